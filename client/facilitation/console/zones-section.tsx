import { For } from 'solid-js'
import { label, t } from '../../i18n/i18n.ts'
import type { ControlSync } from '../../sync/control-sync.ts'
import type { FacilitatorApi } from './facilitator-api.ts'

/** Zone locks (F2) and "suivez-moi" (F6), one line per zone. */
export function ZonesSection(props: { api: FacilitatorApi; control: ControlSync }) {
	const session = () => props.control.session()
	return (
		<section aria-labelledby="facilitate-zones">
			<h3 id="facilitate-zones">{t('facilitate.zones')}</h3>
			<ul class="zone-controls">
				<For each={props.control.meta()?.zones ?? []}>
					{(zone) => (
						<li>
							<label class="inline">
								<input
									type="checkbox"
									checked={session().lockedZones.includes(zone.id)}
									onChange={(event) =>
										props.api.send(`/zones/${zone.id}/lock`, { locked: event.currentTarget.checked })
									}
								/>
								{label(zone.label)} — {t('facilitate.lock')}
							</label>
							<button
								type="button"
								disabled={props.api.busy()}
								aria-label={`${t('facilitate.follow')} : ${label(zone.label)}`}
								onClick={() => props.api.send('/follow', { zone: zone.id })}
							>
								{t('facilitate.follow')}
							</button>
						</li>
					)}
				</For>
			</ul>
		</section>
	)
}
