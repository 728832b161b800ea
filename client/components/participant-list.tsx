import { createSignal, For, onCleanup, Show } from 'solid-js'
import type { College } from '../../shared/template/template-schema.ts'
import { controlStructures, type ParticipantEntry, readParticipants } from '../../shared/workshop/control-document.ts'
import { presenceColor } from '../../shared/workshop/presence.ts'
import { label, t } from '../i18n/i18n.ts'
import type { WorkshopSync } from '../sync/workshop-sync.ts'

interface Row extends ParticipantEntry {
	id: string
	online: boolean
}

/**
 * Everyone who joined, with their college written out (not colour alone), their role, and
 * whether they are online (present on the control channel, which every view opens).
 */
export function ParticipantList(props: { sync: WorkshopSync; colleges: College[]; me: string }) {
	const [rows, setRows] = createSignal<Row[]>([])
	const refresh = () => {
		const online = new Set<string>()
		for (const state of props.sync.controlLink.provider.awareness.getStates().values()) {
			const id = (state as { user?: { participantId?: unknown } }).user?.participantId
			if (typeof id === 'string') online.add(id)
		}
		const list = [...readParticipants(props.sync.control).entries()].map(([id, entry]) => ({
			...entry,
			id,
			online: online.has(id),
		}))
		list.sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name))
		setRows(list)
	}
	const { participants } = controlStructures(props.sync.control)
	participants.observe(refresh)
	props.sync.controlLink.provider.awareness.on('change', refresh)
	refresh()
	onCleanup(() => {
		participants.unobserve(refresh)
		props.sync.controlLink.provider.awareness.off('change', refresh)
	})

	const collegeOf = (id: string | null) => props.colleges.find((college) => college.id === id)
	return (
		<ul class="participants" aria-label={t('board.participants')}>
			<For each={rows()}>
				{(row) => (
					<li data-online={row.online ? 'yes' : 'no'} data-participant={row.id}>
						<span
							class="swatch"
							aria-hidden="true"
							style={{ background: presenceColor(row.role, row.college, props.colleges) }}
						/>
						<span class="who">
							<span class="name">
								{row.name} <Show when={row.id === props.me}>{t('board.you')}</Show>
							</span>
							<span class="college">
								<Show when={row.anonymous}>{t('privacy.nameWithdrawn')} · </Show>
								{row.role === 'facilitator'
									? t('board.facilitator')
									: row.role === 'observer'
										? t('board.observer')
										: (() => {
												const college = collegeOf(row.college)
												return college ? label(college.label) : ''
											})()}
							</span>
						</span>
						<span class="presence">{row.online ? t('board.online') : t('board.away')}</span>
					</li>
				)}
			</For>
		</ul>
	)
}
