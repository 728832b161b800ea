import { t } from '../i18n/i18n.ts'
import { navigate } from '../router.ts'

/**
 * The links every page ends with (RGAA asks for the accessibility statement to be reachable
 * from each page). One component, so a page adds or moves them in one place.
 */
export function SiteFooter() {
	return (
		<footer class="site-footer">
			<ul>
				<li>
					<a
						href="/accessibilite"
						onClick={(event) => {
							event.preventDefault()
							navigate('/accessibilite')
						}}
					>
						{t('footer.accessibility')}
					</a>
				</li>
			</ul>
		</footer>
	)
}
