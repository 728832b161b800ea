import { For, Show } from 'solid-js'
import type { Contribution } from '../../shared/concertation/contribution.ts'
import type { College, Template } from '../../shared/template/template-schema.ts'
import { label, language, t } from '../i18n/i18n.ts'
import type { MessageKey } from '../i18n/messages-fr.ts'

export interface ContributionCardProps {
	contribution: Contribution
	colleges: readonly College[]
	themes: Template['themes']
	/** The duplicates merged into it: its trail, shown under it. */
	duplicates: readonly Contribution[]
	mine: boolean
	/** Where it sits, when the surrounding list does not say (a grid cell's column). */
	place?: string
	/** A private draft: shown to its author only until the facilitator reveals it. */
	private?: boolean
	canChange: boolean
	onEdit?: () => void
	onDelete?: () => void
}

/** One contribution as text: type, title, statement, details, college (and name in named mode). */
export function ContributionCard(props: ContributionCardProps) {
	const c = () => props.contribution
	const college = () => props.colleges.find((candidate) => candidate.id === c().college)
	const collegeName = () => {
		const found = college()
		return found ? label(found.label) : t('contribution.facilitator')
	}
	const theme = () => props.themes.find((candidate) => candidate.id === c().theme)
	const details = () =>
		[
			c().target && [t('contribution.field.target'), t(`contribution.target.${c().target}` as MessageKey)],
			c().level && [t('contribution.field.level'), t(`contribution.level.${c().level}` as MessageKey)],
			c().effect && [t('contribution.field.effect'), c().effect],
			c().caution && [t('contribution.field.caution'), c().caution],
			c().who && [t('contribution.field.who'), c().who],
			c().due && [t('contribution.field.due'), c().due],
		].filter((entry): entry is [string, string] => Boolean(entry))

	const summary = () => {
		const text = c().title ?? c().text
		return text.length > 60 ? `${text.slice(0, 59)}…` : text
	}

	return (
		<article
			class="contribution-card"
			data-contribution={c().id}
			style={{ '--college': college()?.color ?? '#495057' }}
			aria-label={t(`contribution.type.${c().type}` as MessageKey)}
		>
			<header>
				<span class="type-badge">{t(`contribution.type.${c().type}` as MessageKey)}</span>
				<Show when={theme()}>{(current) => <span class="theme-badge">{label(current().label)}</span>}</Show>
				<Show when={props.place}>{(place) => <span class="theme-badge">{place()}</span>}</Show>
			</header>
			<Show when={props.private}>
				<p class="private-badge">{t('contribution.private')}</p>
			</Show>
			<Show when={c().title}>
				<h4>{c().title}</h4>
			</Show>
			<p class="contribution-text">{c().text}</p>
			<Show when={details().length > 0}>
				<dl>
					<For each={details()}>
						{([name, value]) => (
							<>
								<dt>{name}</dt>
								<dd>{value}</dd>
							</>
						)}
					</For>
				</dl>
			</Show>
			<footer>
				<span class="author">
					<span class="swatch" aria-hidden="true" />
					{collegeName()}
					<Show when={c().authorName}>{(name) => <> · {name()}</>}</Show>
					<Show when={props.mine}> · {t('contribution.mine')}</Show>
				</span>

				<Show when={c().sources.length > 0}>
					<span class="merged">{t('contribution.groups', { count: c().sources.length })}</span>
				</Show>
			</footer>
			<Show when={props.duplicates.length > 0}>
				<details class="trail">
					<summary>{t('contribution.trail', { count: props.duplicates.length })}</summary>
					<ul>
						<For each={props.duplicates}>
							{(duplicate) => (
								<li>
									<q>{duplicate.title ?? duplicate.text}</q>
									{' — '}
									{props.colleges.find((college) => college.id === duplicate.college)?.label[language()] ??
										t('contribution.facilitator')}
								</li>
							)}
						</For>
					</ul>
				</details>
			</Show>
			<Show when={props.canChange && (props.onEdit || props.onDelete)}>
				<div class="card-actions">
					<Show when={props.onEdit}>
						<button type="button" onClick={() => props.onEdit?.()}>
							{t('contribution.edit')}
							{/* Many cards, many "Modifier": the name says which contribution. */}
							<span class="visually-hidden"> : {summary()}</span>
						</button>
					</Show>
					<Show when={props.onDelete}>
						<button type="button" class="danger" onClick={() => props.onDelete?.()}>
							{t('contribution.delete')}
							<span class="visually-hidden"> : {summary()}</span>
						</button>
					</Show>
				</div>
			</Show>
		</article>
	)
}
