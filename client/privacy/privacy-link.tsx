import { t } from '../i18n/i18n.ts'
import { navigate } from '../router.ts'

/**
 * "Données personnelles": the privacy notice, from wherever people join or take part. With a
 * workshop, the notice also offers "Retirer mon nom" for the person this device joined it as.
 */
export function PrivacyLink(props: { workshopId?: string }) {
	const href = () => (props.workshopId ? `/confidentialite?atelier=${props.workshopId}` : '/confidentialite')
	return (
		<a
			class="privacy-link"
			href={href()}
			onClick={(event) => {
				event.preventDefault()
				navigate(href())
			}}
		>
			{t('privacy.link')}
		</a>
	)
}
