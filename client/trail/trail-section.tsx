import { For, Show } from 'solid-js'
import { QrCode } from '../components/qr-code.tsx'
import { CopyField } from '../components/copy-field.tsx'
import type { ControlSync } from '../sync/control-sync.ts'
import { tt } from './trail-messages.ts'

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
			<h3 id="facilitate-trail">{tt('consoleTitle')}</h3>
			<p class="help">{tt('consoleHelp')}</p>
			<div class="link-card">
				<QrCode value={link()} label={tt('consoleTitle')} />
				<CopyField label={tt('closingLink')} value={link()} />
			</div>
			<h4>{tt('paperSheets')}</h4>
			<Show when={paper().length > 0} fallback={<p class="help">{tt('noPaper')}</p>}>
				<ul class="paper-sheets">
					<For each={paper()}>
						{([id, entry]) => (
							<li>
								<a href={sheet(id)} target="_blank" rel="noopener">
									{tt('paperSheet', { name: entry.name })}
								</a>
							</li>
						)}
					</For>
					<li>
						<a href={sheet('table')} target="_blank" rel="noopener">
							{tt('tableSheet')}
						</a>
					</li>
				</ul>
			</Show>
		</section>
	)
}
