import * as Y from 'yjs'
import type { AuthorMode } from '../concertation/contribution.ts'
import type { Template } from '../template/template-schema.ts'
import { layoutZones } from '../template/zone-layout.ts'
import { BOARD_LAYOUT_VERSION } from './board-document.ts'
import { CONTROL_LAYOUT_VERSION, writeMeta, writeParticipant } from './control-document.ts'

/** What the organiser says about a new workshop; the rest comes from its template. */
export interface NewWorkshopSettings {
	title: string
	territory: string | null
	date: string | null
	authorMode: AuthorMode
	facilitatorName: string
	/** IANA time zone the workshop's dates are shown in (documents); absent: Europe/Paris. */
	timeZone?: string
}

/**
 * The first state of a new workshop's control document (SPEC A1, T5): the template's colleges,
 * themes, placed zones and agenda, the settings, and the facilitator as its first participant.
 */
export function newControlDocument(
	template: Template,
	settings: NewWorkshopSettings,
	facilitator: string,
	createdAt: string,
): Uint8Array {
	const control = new Y.Doc()
	writeMeta(control, {
		controlLayout: CONTROL_LAYOUT_VERSION,
		boardLayout: BOARD_LAYOUT_VERSION,
		title: settings.title,
		territory: settings.territory,
		date: settings.date,
		templateId: template.id,
		templateVersion: template.version,
		colleges: template.colleges,
		themes: template.themes,
		zones: layoutZones(template.zones),
		agenda: template.phases,
		authorMode: settings.authorMode,
		...(settings.timeZone ? { timeZone: settings.timeZone } : {}),
		createdAt,
	})
	writeParticipant(control, facilitator, {
		name: settings.facilitatorName,
		role: 'facilitator',
		college: null,
		joinedAt: createdAt,
	})
	const state = Y.encodeStateAsUpdate(control)
	control.destroy()
	return state
}

/** The first state of a new workshop's board document: empty (zones are drawn from the control). */
export function newBoardDocument(): Uint8Array {
	return Y.encodeStateAsUpdate(new Y.Doc())
}
