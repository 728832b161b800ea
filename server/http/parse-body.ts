import type { Context } from 'hono'
import * as v from 'valibot'
import { ApiError } from './api-error.ts'

/** Reads a JSON body and validates it; refusals are 400 with the first offending field named. */
export async function parseBody<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
	let json: unknown
	try {
		const text = await c.req.text()
		json = text.trim() === '' ? {} : JSON.parse(text)
	} catch {
		throw new ApiError(400, 'invalid_json', 'the request body is not valid JSON')
	}
	const parsed = v.safeParse(schema, json)
	if (!parsed.success) {
		const issue = parsed.issues[0]
		const field = v.getDotPath(issue)
		throw new ApiError(400, 'invalid_body', field ? `${field}: ${issue.message}` : issue.message)
	}
	return parsed.output
}
