import { createResource, createSignal, For, onCleanup, Show } from 'solid-js'
import type {
	ConfirmedGroup,
	MemberRef,
	SuggestedGroup,
	SynthesisGroup,
	SynthesisModel,
} from '../../shared/consolidation/synthesis.ts'
import { ApiFailure, api } from '../api.ts'
import { CopyField } from '../components/copy-field.tsx'
import { Loading } from '../components/loading.tsx'
import { explainFailure } from '../explain-failure.ts'
import { label, language, t } from '../i18n/i18n.ts'
import { readableDate } from '../privacy/privacy-api.ts'
import { pt } from '../privacy/privacy-messages.ts'
import { st, type SynthesisMessageKey } from '../i18n/synthesis-messages.ts'

interface SynthesisView {
	id: string
	title: string
	revision: number
	synthesis: SynthesisModel
	groups: ConfirmedGroup[]
	suggestions: SuggestedGroup[]
	link: string
	access: { edit: boolean; legacy: boolean }
	editKey?: string
	editLink?: string
	workshops: { source: number; id: string }[]
}

const keyName = (id: string) => `tablee.synthesis-edit.${id}`

/** The edit key: from `#edit=…` (then kept on this device and taken out of the address bar), or kept. */
function editKeyOf(id: string): string | null {
	const match = /(?:^#|&)edit=([a-z0-9]+)/.exec(location.hash)
	if (match?.[1]) {
		localStorage.setItem(keyName(id), match[1])
		history.replaceState(history.state, '', location.pathname + location.search)
		return match[1]
	}
	return localStorage.getItem(keyName(id))
}

const refKey = (ref: MemberRef) => `${ref.source}:${ref.recommendation}`
const percent = (share: number | null) =>
	share === null
		? '—'
		: new Intl.NumberFormat(language() === 'fr' ? 'fr-FR' : 'en-GB', {
				style: 'percent',
				maximumFractionDigits: 0,
			}).format(share)

/**
 * `/s/<id>`: a national synthesis across territories (SPEC N1–N13). With the edit link, the
 * author confirms suggested groupings (with the reasons they are suggested), renames groups, writes
 * their national text, moves one recommendation between groups and undoes; every change is saved
 * with the revision it was made on, so a change made meanwhile by someone else is never
 * overwritten silently: the page reloads and says so. With the read link, it reads and exports.
 */
export function SynthesisPage(props: { synthesisId: string }) {
	const [notice, setNotice] = createSignal<string | null>(null)
	const [editKey, setEditKey] = createSignal<string | null>(editKeyOf(props.synthesisId))
	const [view, { mutate, refetch }] = createResource(
		() => ({ key: editKey() }),
		({ key }) => api.synthesis<SynthesisView>(props.synthesisId, key ?? undefined),
	)
	/** Earlier states of the groups, for "undo" (this visit). */
	const [history, setHistory] = createSignal<ConfirmedGroup[][]>([])
	const [saving, setSaving] = createSignal(false)

	// The page follows changes made elsewhere (another author, the API) while it is open.
	const timer = setInterval(async () => {
		const current = view()
		if (!current || saving() || document.hidden) return
		try {
			const fresh = await api.synthesis<SynthesisView>(props.synthesisId, editKey() ?? undefined)
			if (fresh.revision !== view()?.revision && !saving()) {
				mutate(fresh)
				setNotice(st('changedElsewhere'))
			}
		} catch {
			// A failed background check is retried at the next tick; the page keeps what it shows.
		}
	}, 5000)
	onCleanup(() => clearInterval(timer))

	const saveGroups = async (groups: ConfirmedGroup[], undoing = false) => {
		const current = view()
		if (!current) return
		setSaving(true)
		try {
			const clean = groups.map(({ id, label: name, members, text }) => ({
				id,
				label: name,
				members: members.map(({ source, recommendation }) => ({ source, recommendation })),
				...(text ? { text } : {}),
			}))
			const saved = await api.saveSynthesisGroups<SynthesisView>(
				props.synthesisId,
				editKey() ?? undefined,
				clean,
				current.revision,
			)
			if (!undoing) setHistory((list) => [...list, current.groups].slice(-20))
			mutate(saved)
			setNotice(null)
		} catch (failure) {
			if (failure instanceof ApiFailure && failure.status === 409) {
				// N13: someone saved meanwhile: show their state, say so, keep nothing stale.
				await refetch()
				setHistory([])
				setNotice(st('stale'))
			} else setNotice(explainFailure(failure))
		} finally {
			setSaving(false)
		}
	}
	const undo = () => {
		const previous = history().at(-1)
		if (!previous) return
		setHistory((list) => list.slice(0, -1))
		void saveGroups(previous, true)
	}
	const claimKey = async () => {
		try {
			const claimed = await api.claimSynthesisEditKey<SynthesisView>(props.synthesisId)
			if (claimed.editKey) {
				localStorage.setItem(keyName(props.synthesisId), claimed.editKey)
				setEditKey(claimed.editKey)
			}
			mutate(claimed)
		} catch (failure) {
			setNotice(explainFailure(failure))
		}
	}

	const canEdit = () => view()?.access.edit === true
	const groupedKeys = () => new Set(view()?.groups.flatMap((group) => group.members.map(refKey)) ?? [])
	/** Suggestions still to decide: only their members not grouped yet, and only across two territories. */
	const openSuggestions = () =>
		(view()?.suggestions ?? []).flatMap((suggestion) => {
			const members = suggestion.members.filter((member) => !groupedKeys().has(refKey(member)))
			return new Set(members.map((member) => member.source)).size > 1 ? [{ ...suggestion, members }] : []
		})
	const territoryOf = (source: number) => view()?.synthesis.territories[source]?.territory ?? String(source)
	const titleOf = (member: MemberRef) =>
		view()
			?.synthesis.groups.flatMap((group) => group.members)
			.find((m) => refKey(m.ref) === refKey(member))?.title ?? member.recommendation

	const confirmSuggestion = (suggestion: SuggestedGroup) => {
		const current = view()
		if (!current) return
		const { reasons: _reasons, ...group } = suggestion
		void saveGroups([...current.groups, { ...group, id: `g${Date.now().toString(36)}` }])
	}
	/** Moves one recommendation into group `target` ('' to leave it standing alone). */
	const move = (ref: MemberRef, target: string) => {
		const current = view()
		if (!current) return
		const groups = current.groups
			.map((group) => ({
				...group,
				members: [
					...group.members.filter((member) => refKey(member) !== refKey(ref)),
					...(group.id === target ? [ref] : []),
				],
			}))
			.filter((group) => group.members.length > 0)
		void saveGroups(groups)
	}
	const update = (id: string, change: Partial<ConfirmedGroup>) => {
		const current = view()
		if (!current) return
		void saveGroups(current.groups.map((group) => (group.id === id ? { ...group, ...change } : group)))
	}
	/** N5: groups by theme (the first theme of their members; groups without one are left out here). */
	const byTheme = () => {
		const themes = new Map<string, { label: string; groups: SynthesisGroup[] }>()
		for (const group of view()?.synthesis.groups ?? []) {
			const theme = group.themes[0]
			if (!theme) continue
			const entry = themes.get(theme.id) ?? { label: label(theme.label), groups: [] }
			entry.groups.push(group)
			themes.set(theme.id, entry)
		}
		return [...themes.values()]
	}
	const consensusText = (group: SynthesisGroup) =>
		(Object.entries(group.consensus) as [string, number][])
			.filter(([, count]) => count > 0)
			.map(([flag, count]) => st('consensusIn', { flag: st(`flag.${flag}` as SynthesisMessageKey), count }))
			.join(', ')

	return (
		<main class="page synthesis-page">
			<Show when={view.error}>
				<p class="error" role="alert">
					{explainFailure(view.error)}
				</p>
			</Show>
			<Show when={view.state === 'ready' || view.state === 'refreshing' ? view() : undefined}>
				{(current) => (
					<>
						<p class="eyebrow">{st('eyebrow')}</p>
						<h1>{current().title}</h1>
						<p class="help">
							{st('territories', { count: current().synthesis.territories.length })}{' '}
							{current()
								.synthesis.territories.map((territory) => territory.territory)
								.join(', ')}
						</p>
						{/* SPEC D1: what is known of each territory's workshop (the exports say it too). */}
						<For each={current().synthesis.territories}>
							{(territory) => {
								const source = territory.source
								return source?.status === 'deleted' ? (
									<p class="notice" data-deleted-source={territory.index}>
										{pt('sourceDeleted', {
											territory: territory.territory,
											date: readableDate(source.deletedAt, language()),
										})}
									</p>
								) : null
							}}
						</For>
						<Show
							when={current()
								.synthesis.territories.filter(
									(territory) => territory.source?.status === 'elsewhere' || territory.source?.status === 'unknown',
								)
								.map((territory) => territory.territory)
								.join(', ')}
						>
							{(territories) => (
								<p class="help" data-unknown-sources>
									{pt('sourcesUnknown', { territories: territories() })}
								</p>
							)}
						</Show>
						<Show when={notice()}>
							<p class="notice" role="status">
								{notice()}
							</p>
						</Show>
						<section class="synthesis-access">
							<Show
								when={canEdit()}
								fallback={
									<p class="help" data-access="read">
										{st('readOnly')}
									</p>
								}
							>
								<CopyField label={st('readLink')} value={current().link} help={st('readLinkHelp')} />
								<Show when={current().editLink}>
									{(link) => <CopyField label={st('editLink')} value={link()} help={st('editLinkHelp')} />}
								</Show>
								<Show when={current().access.legacy}>
									<p class="help">{st('legacy')}</p>
									<button type="button" onClick={claimKey}>
										{st('claimKey')}
									</button>
								</Show>
								<p class="help">{st('linkHelp')}</p>
								<p class="help" data-access="edit">
									{st('revision', { revision: current().revision })} {st('lastWriteWins')}
								</p>
								<Show when={history().length > 0}>
									<button type="button" disabled={saving()} onClick={undo}>
										{st('undoLast')}
									</button>
								</Show>
							</Show>
						</section>
						<Show when={canEdit() && openSuggestions().length > 0}>
							<h2>{st('suggestions')}</h2>
							<ul class="suggestions">
								<For each={openSuggestions()}>
									{(suggestion) => (
										<li>
											<p class="help">
												{[
													...suggestion.reasons.themes.map((theme) => st('sameTheme', { theme: label(theme.label) })),
													...(suggestion.reasons.words.length > 0
														? [st('commonWords', { words: suggestion.reasons.words.join(', ') })]
														: []),
												].join(' · ')}
											</p>
											<ul>
												<For each={suggestion.members}>
													{(member) => (
														<li>
															{territoryOf(member.source)} — « {titleOf(member)} »
														</li>
													)}
												</For>
											</ul>
											<button type="button" disabled={saving()} onClick={() => confirmSuggestion(suggestion)}>
												{st('confirm')}
											</button>
										</li>
									)}
								</For>
							</ul>
						</Show>
						<Show when={current().workshops.length > 0}>
							<p class="help">
								{st('workshopsHere', {
									list: current()
										.workshops.map((workshop) => territoryOf(workshop.source))
										.join(', '),
								})}
							</p>
						</Show>
						<Show when={byTheme().length > 0}>
							<h2>{st('byTheme')}</h2>
							<For each={byTheme()}>
								{(theme) => (
									<section class="synthesis-theme">
										<h3>{theme.label}</h3>
										<ul>
											<For each={theme.groups}>
												{(group) => (
													<li>
														{group.label} — {st('supported', { count: group.supportedIn, total: group.territories })}
													</li>
												)}
											</For>
										</ul>
									</section>
								)}
							</For>
						</Show>
						<h2>{st('groups')}</h2>
						<ol class="synthesis-groups">
							<For each={current().synthesis.groups}>
								{(group) => (
									<li data-group={group.id} data-confirmed={group.confirmed ? 'yes' : 'no'}>
										<div class="results-head">
											<strong>{group.label}</strong>
											<span class="flag flag-partage">
												{st('supported', { count: group.supportedIn, total: group.territories })}
											</span>
										</div>
										<p class="results-figures">
											{st('meanSupport', { share: percent(group.support.share) })} ·{' '}
											{consensusText(group) || st('flag.non-mesure')} ·{' '}
											{st(`sides.${group.sides}` as SynthesisMessageKey)}
										</p>
										<Show when={group.text}>
											<p>{group.text}</p>
										</Show>
										<ul>
											<For each={group.members}>
												{(member) => (
													<li>
														{member.territory} — « {member.title} »
														<Show when={member.share !== null}> — {percent(member.share)}</Show>
														<Show when={canEdit() && current().groups.length > 0}>
															{' '}
															<select
																aria-label={st('moveLabel', { title: member.title })}
																value={group.confirmed ? group.id : ''}
																disabled={saving()}
																onChange={(event) => move(member.ref, event.currentTarget.value)}
															>
																<option value="">{st('standAlone')}</option>
																<For each={current().groups}>
																	{(target) => <option value={target.id}>{target.label}</option>}
																</For>
															</select>
														</Show>
													</li>
												)}
											</For>
										</ul>
										<Show when={canEdit() && group.confirmed}>
											<form
												class="stack synthesis-edit"
												onSubmit={(event) => {
													event.preventDefault()
													const data = new FormData(event.currentTarget)
													update(group.id, {
														label: String(data.get('label') ?? '').trim() || group.label,
														text: String(data.get('text') ?? ''),
													})
												}}
											>
												<label>
													{st('nationalTitle')}
													<input name="label" value={group.label} maxLength={300} required />
												</label>
												<label>
													{st('nationalText')}
													<textarea name="text" rows={3} maxLength={20000} value={group.text} />
												</label>
												<div class="actions">
													<button type="submit" disabled={saving()}>
														{st('save')}
													</button>
													<button
														type="button"
														disabled={saving()}
														onClick={() => saveGroups(current().groups.filter((g) => g.id !== group.id))}
													>
														{st('undo')}
													</button>
												</div>
											</form>
										</Show>
									</li>
								)}
							</For>
						</ol>
						<div class="actions">
							<For each={['pdf', 'docx', 'html', 'csv', 'md'] as const}>
								{(format) => (
									<a
										class="button-link"
										href={`/api/syntheses/${props.synthesisId}/export?format=${format}&lang=${language()}`}
									>
										{t(`export.${format}`)}
									</a>
								)}
							</For>
							<a class="button-link" href={`/api/syntheses/${props.synthesisId}/export?format=json`}>
								{t('export.json')}
							</a>
						</div>
					</>
				)}
			</Show>
			<Show when={view.loading && !view()}>
				<Loading />
			</Show>
		</main>
	)
}
