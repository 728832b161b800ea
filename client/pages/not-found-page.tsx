import { t } from '../i18n/i18n.ts'
import { navigate } from '../router.ts'

export function NotFoundPage() {
	return (
		<main class="page narrow">
			<h1>{t('notFound.title')}</h1>
			<button type="button" onClick={() => navigate('/')}>
				{t('notFound.back')}
			</button>
		</main>
	)
}
