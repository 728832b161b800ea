import { isTimeZone } from '../../shared/consolidation/typography.ts'
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import * as v from 'valibot'
import * as Y from 'yjs'
import { authorModes } from '../../shared/concertation/contribution.ts'
import { layoutZones } from '../../shared/template/zone-layout.ts'
import { BOARD_LAYOUT_VERSION } from '../../shared/workshop/board-document.ts'
import {
	CONTROL_LAYOUT_VERSION,
	readMeta,
	readParticipants,
	writeMeta,
	writeParticipant,
} from '../../shared/workshop/control-document.ts'
import type { LinkRole } from '../../shared/workshop/roles.ts'
import type { LinkClaims, PersonalClaims, TokenClaims } from '../auth/tokens.ts'
import { randomId } from '../auth/random-id.ts'
import { sameSecret } from '../auth/same-secret.ts'
import { signToken } from '../auth/tokens.ts'
import type { WorkshopRoom } from '../rooms/room.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import { readArchive } from '../store/archive.ts'
import { createRecord } from '../store/workshop-store.ts'
import type { TemplateCatalog } from '../templates/template-catalog.ts'
import { DEFAULT_TEMPLATE_ID } from '../templates/template-catalog.ts'
import { ApiError } from './api-error.ts'
import { parseBody } from './parse-body.ts'
import { withRoom as withRoomOf, stored } from './with-room.ts'
import { workshopClaims } from './workshop-claims.ts'

export interface WorkshopRoutesOptions {
	registry: RoomRegistry
	templates: TemplateCatalog
	secret: string
	publicUrl: string
	organizerKey: string | null
	/** Size limit of an imported archive. */
	maxUploadBytes: number
}

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(max))

const createSchema = v.strictObject({
	title: text(200),
	territory: v.optional(v.nullable(text(200))),
	date: v.optional(v.nullable(v.pipe(v.string(), v.isoDate('must be a date as YYYY-MM-DD')))),
	templateId: v.optional(v.string()),
	facilitatorName: v.optional(text(80)),
	authorMode: v.optional(v.picklist(authorModes)),
	// E14: dates in the documents are shown in this zone (a territory overseas is not in Paris's).
	timeZone: v.optional(
		v.pipe(v.string(), v.maxLength(64), v.check(isTimeZone, 'must be an IANA time zone')),
		'Europe/Paris',
	),
})

const joinSchema = v.strictObject({
	name: text(80),
	college: v.optional(v.nullable(v.string())),
})

/** HTTP API of workshops: creation, reading, the join exchange and link regeneration. */
export function workshopRoutes(options: WorkshopRoutesOptions) {
	const { registry, templates, secret, publicUrl, organizerKey, maxUploadBytes } = options

	const linkTokens = (workshop: string, generation: number) => {
		const tokenFor = (role: LinkRole) => signToken(secret, { kind: 'link', workshop, role, generation })
		return { participant: tokenFor('participant'), observer: tokenFor('observer') }
	}
	// Tokens travel in the fragment: browsers send neither it to the server nor in Referer.
	const joinLink = (workshop: string, token: string) => `${publicUrl}/join/${workshop}#token=${token}`
	const facilitatorLink = (workshop: string, token: string) => `${publicUrl}/w/${workshop}#token=${token}`

	const claimsOf = (c: Context, workshop: string) => workshopClaims(c, secret, workshop)

	/** The answer to a creation or an import: the facilitator's token, the shared links. */
	const createdAnswer = (id: string, facilitator: string) => {
		const facilitatorToken = signToken(secret, {
			kind: 'personal',
			workshop: id,
			role: 'facilitator',
			participant: facilitator,
			college: null,
		})
		const shared = linkTokens(id, 0)
		return {
			id,
			tokens: { facilitator: facilitatorToken, ...shared },
			links: {
				facilitator: facilitatorLink(id, facilitatorToken),
				participant: joinLink(id, shared.participant),
				observer: joinLink(id, shared.observer),
			},
		}
	}

	const withRoom = <T>(workshop: string, work: (room: WorkshopRoom) => Promise<T> | T) =>
		withRoomOf(registry, workshop, work)

	const checkLinkGeneration = (room: WorkshopRoom, claims: TokenClaims) => {
		if (claims.kind === 'link' && claims.generation !== room.currentLinkGeneration) {
			throw new ApiError(401, 'link_expired', 'this join link was replaced by a new one; ask the facilitator for it')
		}
	}

	return new Hono()
		.post('/', async (c) => {
			if (organizerKey !== null && !sameSecret(c.req.header('x-organizer-key') ?? '', organizerKey)) {
				throw new ApiError(401, 'organizer_key_required', 'creating a workshop requires a valid X-Organizer-Key header')
			}
			const body = await parseBody(c, createSchema)
			const templateId = body.templateId ?? DEFAULT_TEMPLATE_ID
			const template = templates.templates.get(templateId)
			if (!template) throw new ApiError(400, 'unknown_template', `no template with id "${templateId}"`)

			const id = randomId()
			const facilitator = randomId()
			const createdAt = new Date().toISOString()
			const control = new Y.Doc()
			writeMeta(control, {
				controlLayout: CONTROL_LAYOUT_VERSION,
				boardLayout: BOARD_LAYOUT_VERSION,
				title: body.title,
				territory: body.territory ?? null,
				date: body.date ?? null,
				templateId: template.id,
				templateVersion: template.version,
				colleges: template.colleges,
				themes: template.themes,
				zones: layoutZones(template.zones),
				agenda: template.phases,
				authorMode: body.authorMode ?? 'pseudonymous',
				timeZone: body.timeZone,
				createdAt,
			})
			writeParticipant(control, facilitator, {
				name: body.facilitatorName ?? 'Animation',
				role: 'facilitator',
				college: null,
				joinedAt: createdAt,
			})
			await stored(
				registry.create(
					createRecord({
						id,
						linkGeneration: 0,
						board: Y.encodeStateAsUpdate(new Y.Doc()),
						control: Y.encodeStateAsUpdate(control),
					}),
				),
			)
			return c.json(createdAnswer(id, facilitator), 201)
		})
		.post(
			'/import',
			bodyLimit({
				maxSize: maxUploadBytes,
				onError: () => {
					throw new ApiError(413, 'archive_too_large', `archives are limited to ${maxUploadBytes} bytes`)
				},
			}),
			async (c) => {
				if (organizerKey !== null && !sameSecret(c.req.header('x-organizer-key') ?? '', organizerKey)) {
					throw new ApiError(401, 'organizer_key_required', 'importing requires a valid X-Organizer-Key header')
				}
				let data: unknown
				try {
					data = JSON.parse(await c.req.text())
				} catch {
					throw new ApiError(400, 'invalid_archive', 'the archive is not valid JSON')
				}
				const imported = readArchive(data)
				if (!imported.ok) throw new ApiError(400, 'invalid_archive', imported.error)
				const id = randomId()
				// The archive's facilitator comes back as this server's facilitator, with a new token.
				const control = new Y.Doc()
				Y.applyUpdate(control, imported.value.control)
				let facilitator = [...readParticipants(control).entries()].find(
					([, entry]) => entry.role === 'facilitator',
				)?.[0]
				if (!facilitator) {
					facilitator = randomId()
					writeParticipant(control, facilitator, {
						name: 'Animation',
						role: 'facilitator',
						college: null,
						joinedAt: new Date().toISOString(),
					})
				}
				await stored(
					registry.create(
						createRecord({
							id,
							linkGeneration: 0,
							board: imported.value.board,
							control: Y.encodeStateAsUpdate(control),
							serverOnly: imported.value.serverOnly,
						}),
					),
				)
				control.destroy()
				return c.json(createdAnswer(id, facilitator), 201)
			},
		)
		.get('/:workshop', async (c) => {
			const workshop = c.req.param('workshop')
			const claims = claimsOf(c, workshop)
			return withRoom(workshop, (room) => {
				checkLinkGeneration(room, claims)
				const meta = readMeta(room.controlDraft)
				if (!meta) throw new ApiError(503, 'workshop_unavailable', 'this workshop has no settings')
				const view = {
					id: workshop,
					title: meta.title,
					territory: meta.territory,
					date: meta.date,
					templateId: meta.templateId,
					colleges: meta.colleges,
					themes: meta.themes ?? [],
					zones: meta.zones ?? [],
					agenda: meta.agenda ?? [],
					authorMode: meta.authorMode ?? 'pseudonymous',
					createdAt: meta.createdAt,
					layout: { control: meta.controlLayout, board: meta.boardLayout },
					you: youOf(claims),
				}
				if (claims.kind === 'personal' && claims.role === 'facilitator') {
					const shared = linkTokens(workshop, room.currentLinkGeneration)
					return c.json({
						...view,
						participantCount: [...readParticipants(room.controlDraft).values()].filter((p) => p.role === 'participant')
							.length,
						tokens: shared,
						links: {
							participant: joinLink(workshop, shared.participant),
							observer: joinLink(workshop, shared.observer),
						},
					})
				}
				return c.json(view)
			})
		})
		.post('/:workshop/join', async (c) => {
			const workshop = c.req.param('workshop')
			const claims = claimsOf(c, workshop)
			if (claims.kind !== 'link') {
				throw new ApiError(403, 'link_token_required', 'joining needs the shared join link, not a personal token')
			}
			const body = await parseBody(c, joinSchema)
			return withRoom(workshop, async (room) => {
				checkLinkGeneration(room, claims)
				const college = collegeFor(room, claims, body.college ?? null)
				const participant = randomId()
				await stored(
					room.changeControl((doc) =>
						writeParticipant(doc, participant, {
							name: body.name,
							role: claims.role,
							college,
							joinedAt: new Date().toISOString(),
						}),
					),
				)
				const personal: PersonalClaims = { kind: 'personal', workshop, role: claims.role, participant, college }
				return c.json(
					{ participantId: participant, token: signToken(secret, personal), role: claims.role, college },
					201,
				)
			})
		})
		.post('/:workshop/links/regenerate', async (c) => {
			const workshop = c.req.param('workshop')
			const claims = claimsOf(c, workshop)
			if (claims.kind !== 'personal' || claims.role !== 'facilitator') {
				throw new ApiError(403, 'facilitator_only', 'only the facilitator can regenerate the join links')
			}
			return withRoom(workshop, async (room) => {
				let generation = 0
				await stored(
					room.bumpLinkGeneration().then((next) => {
						generation = next
					}),
				)
				const shared = linkTokens(workshop, generation)
				return c.json({
					tokens: shared,
					links: { participant: joinLink(workshop, shared.participant), observer: joinLink(workshop, shared.observer) },
				})
			})
		})
}

function collegeFor(room: WorkshopRoom, claims: LinkClaims, college: string | null): string | null {
	if (claims.role === 'observer') {
		if (college !== null) throw new ApiError(400, 'college_not_allowed', 'observers do not speak for a college')
		return null
	}
	if (college === null) throw new ApiError(400, 'college_required', 'participants choose the college they speak for')
	const colleges = readMeta(room.controlDraft)?.colleges ?? []
	if (!colleges.some((known) => known.id === college)) {
		throw new ApiError(400, 'unknown_college', `no college with id "${college}" in this workshop`)
	}
	return college
}

function youOf(claims: TokenClaims) {
	return claims.kind === 'link'
		? { kind: 'link' as const, role: claims.role }
		: { kind: 'personal' as const, role: claims.role, participantId: claims.participant, college: claims.college }
}
