import { t } from '../i18n/i18n.ts'
import { navigate } from '../router.ts'

/** "Données personnelles": the privacy notice, from wherever people join or take part. */
export function PrivacyLink() {
	return (
		<a
			class="privacy-link"
			href="/confidentialite"
			onClick={(event) => {
				event.preventDefault()
				navigate('/confidentialite')
			}}
		>
			{t('privacy.link')}
		</a>
	)
}
