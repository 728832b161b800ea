import type { Context } from 'hono'
import { isId } from '../../shared/workshop/ids.ts'
import type { TokenClaims } from '../auth/tokens.ts'
import { verifyToken } from '../auth/tokens.ts'
import { ApiError } from './api-error.ts'
import { bearerToken } from '../auth/bearer-token.ts'

/** The verified claims of the request's token for this workshop (the workshop is not loaded). */
export function workshopClaims(c: Context, secret: string, workshop: string): TokenClaims {
	if (!isId(workshop)) throw new ApiError(404, 'workshop_not_found', 'no workshop with this id')
	const token = bearerToken(c)
	if (!token) throw new ApiError(401, 'missing_token', 'a token is required (Authorization: Bearer <token>)')
	const verified = verifyToken(secret, token)
	if (!verified.ok || verified.value.workshop !== workshop) {
		throw new ApiError(401, 'invalid_token', 'this token is not valid for this workshop')
	}
	return verified.value
}
