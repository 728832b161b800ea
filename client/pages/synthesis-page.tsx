import { createResource, createSignal, For, Show } from 'solid-js'
import type { ConfirmedGroup, SynthesisModel } from '../../shared/consolidation/synthesis.ts'
import { api } from '../api.ts'
import { Loading } from '../components/loading.tsx'
import { explainFailure } from '../explain-failure.ts'
import { label, language, t } from '../i18n/i18n.ts'
import { pt } from '../privacy/privacy-messages.ts'

interface SynthesisView {
	id: string
	title: string
	synthesis: SynthesisModel
	groups: ConfirmedGroup[]
	suggestions: ConfirmedGroup[]
	link: string
	/** Territories whose workshop was deleted from this server since (SPEC D1). */
	deletedSources?: { source: number; deletedAt: string }[]
}

/**
 * `/s/<id>`: a national synthesis across territories (SPEC N1–N6). Suggested groupings of similar
 * recommendations are confirmed (or undone) here and saved; each group says in how many
 * territories it is supported and its support per college; exports as JSON and Markdown.
 */
export function SynthesisPage(props: { synthesisId: string }) {
	const [notice, setNotice] = createSignal<string | null>(null)
	const [view, { mutate }] = createResource(() => api.synthesis<SynthesisView>(props.synthesisId))

	const saveGroups = async (groups: ConfirmedGroup[]) => {
		try {
			mutate(await api.saveSynthesisGroups<SynthesisView>(props.synthesisId, groups))
			setNotice(null)
		} catch (failure) {
			setNotice(explainFailure(failure))
		}
	}
	/** Groups by theme (the first theme of their members; groups without one are left out here). */
	const byTheme = () => {
		const themes = new Map<string, { label: string; groups: SynthesisModel['groups'] }>()
		for (const group of view()?.synthesis.groups ?? []) {
			const theme = group.themes[0]
			if (!theme) continue
			const entry = themes.get(theme.id) ?? { label: label(theme.label), groups: [] }
			entry.groups.push(group)
			themes.set(theme.id, entry)
		}
		return [...themes.values()]
	}
	const confirmed = () => new Set(view()?.groups.map((group) => group.id) ?? [])
	const territoryOf = (source: number) => view()?.synthesis.territories[source]?.territory ?? String(source)
	const titleOf = (member: { source: number; recommendation: string }) =>
		view()
			?.synthesis.groups.flatMap((group) => group.members)
			.find((m) => m.ref.source === member.source && m.ref.recommendation === member.recommendation)?.title ??
		member.recommendation

	return (
		<main class="page synthesis-page">
			<Show when={view.error}>
				<p class="error" role="alert">
					{explainFailure(view.error)}
				</p>
			</Show>
			<Show when={view.state === 'ready' && view()}>
				{(current) => (
					<>
						<p class="eyebrow">{t('synthesis.eyebrow')}</p>
						<h1>{current().title}</h1>
						<p class="help">
							{t('synthesis.territories', { count: current().synthesis.territories.length })}{' '}
							{current()
								.synthesis.territories.map((territory) => territory.territory)
								.join(', ')}
						</p>
						<For each={current().deletedSources ?? []}>
							{(deleted) => (
								<p class="help" data-deleted-source={deleted.source}>
									{pt('sourceDeleted', { territory: territoryOf(deleted.source) })}
								</p>
							)}
						</For>
						<Show when={notice()}>
							<p class="notice" role="status">
								{notice()}
							</p>
						</Show>
						<Show when={current().suggestions.some((suggestion) => !confirmed().has(suggestion.id))}>
							<h2>{t('synthesis.suggestions')}</h2>
							<ul class="suggestions">
								<For each={current().suggestions.filter((suggestion) => !confirmed().has(suggestion.id))}>
									{(suggestion) => (
										<li>
											<ul>
												<For each={suggestion.members}>
													{(member) => (
														<li>
															{territoryOf(member.source)} — « {titleOf(member)} »
														</li>
													)}
												</For>
											</ul>
											<button type="button" onClick={() => saveGroups([...current().groups, suggestion])}>
												{t('synthesis.confirm')}
											</button>
										</li>
									)}
								</For>
							</ul>
						</Show>
						<Show when={byTheme().length > 0}>
							<h2>{t('synthesis.byTheme')}</h2>
							<For each={byTheme()}>
								{(theme) => (
									<section class="synthesis-theme">
										<h3>{theme.label}</h3>
										<ul>
											<For each={theme.groups}>
												{(group) => (
													<li>
														{group.label} —{' '}
														{t('synthesis.supported', { count: group.supportedIn, total: group.territories })}
													</li>
												)}
											</For>
										</ul>
									</section>
								)}
							</For>
						</Show>
						<h2>{t('synthesis.groups')}</h2>
						<ol class="synthesis-groups">
							<For each={current().synthesis.groups}>
								{(group) => (
									<li data-group={group.id}>
										<div class="results-head">
											<strong>{group.label}</strong>
											<span class="flag flag-partage">
												{t('synthesis.supported', { count: group.supportedIn, total: group.territories })}
											</span>
										</div>
										<ul>
											<For each={group.members}>
												{(member) => (
													<li>
														{member.territory} — « {member.title} » — {t('results.dots', { count: member.dots })}
													</li>
												)}
											</For>
										</ul>
										<Show when={group.byCollege.length > 0}>
											<p class="results-figures">
												{group.byCollege.map((college) => `${label(college.label)} ${college.dots}`).join(' · ')}
											</p>
										</Show>
										<Show when={confirmed().has(group.id)}>
											<button
												type="button"
												onClick={() =>
													saveGroups(current().groups.filter((confirmedGroup) => confirmedGroup.id !== group.id))
												}
											>
												{t('synthesis.undo')}
											</button>
										</Show>
									</li>
								)}
							</For>
						</ol>
						<div class="actions">
							<a class="button-link" href={`/api/syntheses/${props.synthesisId}/export?format=pdf&lang=${language()}`}>
								{t('export.pdf')}
							</a>
							<a class="button-link" href={`/api/syntheses/${props.synthesisId}/export?format=docx&lang=${language()}`}>
								{t('export.docx')}
							</a>
							<a class="button-link" href={`/api/syntheses/${props.synthesisId}/export?format=html&lang=${language()}`}>
								{t('export.html')}
							</a>
							<a class="button-link" href={`/api/syntheses/${props.synthesisId}/export?format=csv&lang=${language()}`}>
								{t('export.csv')}
							</a>
							<a class="button-link" href={`/api/syntheses/${props.synthesisId}/export?format=md&lang=${language()}`}>
								{t('export.md')}
							</a>
							<a class="button-link" href={`/api/syntheses/${props.synthesisId}/export?format=json`}>
								{t('export.json')}
							</a>
						</div>
						<p class="help">{t('synthesis.linkHelp')}</p>
					</>
				)}
			</Show>
			<Show when={view.loading}>
				<Loading />
			</Show>
		</main>
	)
}
