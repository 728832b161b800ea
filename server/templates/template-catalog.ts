import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import * as v from 'valibot'
import { type Template, templateSchema } from '../../shared/template/template-schema.ts'

/** Used when a workshop is created without a `templateId`. */
export const DEFAULT_TEMPLATE_ID = 'concertation-territoriale'

export interface TemplateCatalog {
	templates: Map<string, Template>
	/** One line per file that was refused, naming the file and what is wrong with it. */
	problems: string[]
}

/**
 * Loads and validates every `*.json` template of a folder. A broken file is reported and left
 * out; it never stops the server.
 */
export async function loadTemplates(dir: string): Promise<TemplateCatalog> {
	const templates = new Map<string, Template>()
	const problems: string[] = []
	let files: string[]
	try {
		files = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort()
	} catch (error) {
		return { templates, problems: [`${dir}: ${(error as Error).message}`] }
	}
	for (const name of files) {
		const file = path.join(dir, name)
		const parsed = parseTemplate(await readFile(file, 'utf8').catch((error: Error) => error))
		if (!parsed.ok) problems.push(`${file}: ${parsed.error}`)
		else if (templates.has(parsed.value.id)) problems.push(`${file}: template id "${parsed.value.id}" is used twice`)
		else templates.set(parsed.value.id, parsed.value)
	}
	return { templates, problems }
}

/** Parses a template file's text; errors name the offending field. */
export function parseTemplate(text: string | Error): { ok: true; value: Template } | { ok: false; error: string } {
	if (text instanceof Error) return { ok: false, error: text.message }
	let json: unknown
	try {
		json = JSON.parse(text)
	} catch (error) {
		return { ok: false, error: `not valid JSON (${(error as Error).message})` }
	}
	const parsed = v.safeParse(templateSchema, json)
	if (parsed.success) return { ok: true, value: parsed.output }
	return {
		ok: false,
		error: parsed.issues.map((issue) => `${v.getDotPath(issue) ?? 'template'}: ${issue.message}`).join('; '),
	}
}
