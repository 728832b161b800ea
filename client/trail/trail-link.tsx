import { t } from '../i18n/i18n.ts'
import { navigate } from '../router.ts'

/** The way to one's own page of what became of one's contributions (SPEC M1), from any workshop page. */
export function TrailLink(props: { workshopId: string; class?: string }) {
	const href = () => `/suivi/${props.workshopId}`
	return (
		<a
			class={props.class}
			href={href()}
			onClick={(event) => {
				event.preventDefault()
				navigate(href())
			}}
		>
			{t('trail.link')}
		</a>
	)
}
