import { For, Show } from 'solid-js'
import { QrCode } from '../components/qr-code.tsx'
import { CopyField } from '../components/copy-field.tsx'
import { t } from '../i18n/i18n.ts'
import type { ControlSync } from '../sync/control-sync.ts'

/**
 * In the console (SPEC M1, M5): the code to show at the end — it opens, on the device each person
 * joined with, that person's own page — and the sheets to print for people taking part on paper.
 */
export function TrailSection(props: { workshopId: string; control: ControlSync }) {
	const link = () => `${location.origin}/suivi/${props.workshopId}`
	const paper = () => [...props.control.participants().entries()].filter(([, entry]) => entry.paper === true)
	const sheet = (which: string) => `/suivi/${props.workshopId}?papier=${encodeURIComponent(which)}`
	return (
		<section aria-labelledby="facilitate-trail">
			<h3 id="facilitate-trail">{t('trail.consoleTitle')}</h3>
			<p class="help">{t('trail.consoleHelp')}</p>
			<div class="link-card">
				<QrCode value={link()} label={t('trail.consoleTitle')} />
				<CopyField label={t('trail.link')} value={link()} />
			</div>
			<h4>{t('trail.paperSheets')}</h4>
			<Show when={paper().length > 0} fallback={<p class="help">{t('trail.noPaper')}</p>}>
				<ul class="paper-sheets">
					<For each={paper()}>
						{([id, entry]) => (
							<li>
								<a href={sheet(id)} target="_blank" rel="noopener">
									{t('trail.paperSheet', { name: entry.name })}
								</a>
							</li>
						)}
					</For>
					<li>
						<a href={sheet('table')} target="_blank" rel="noopener">
							{t('trail.tableSheet')}
						</a>
					</li>
				</ul>
			</Show>
		</section>
	)
}
