import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { mediaTypes, sniffMedia } from '../assets/asset-files.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import type { AssetStore } from '../store/storage.ts'
import { ApiError } from './api-error.ts'
import { withRoom } from './with-room.ts'
import { workshopClaims } from './workshop-claims.ts'

export interface AssetRoutesOptions {
	registry: RoomRegistry
	files: AssetStore
	secret: string
	maxUploadBytes: number
}

/**
 * `POST /api/workshops/<id>/assets`: an image or video pasted on the board, uploaded as the raw
 * request body. The type is judged by the bytes; the answer is the URL the board stores.
 */
export function assetUploadRoutes({ registry, files, secret, maxUploadBytes }: AssetRoutesOptions) {
	return new Hono().post(
		'/:workshop/assets',
		bodyLimit({
			maxSize: maxUploadBytes,
			onError: () => {
				throw new ApiError(413, 'upload_too_large', `files are limited to ${maxUploadBytes} bytes`)
			},
		}),
		async (c) => {
			const workshop = c.req.param('workshop')
			const claims = workshopClaims(c, secret, workshop)
			if (claims.kind !== 'personal' || claims.role === 'observer') {
				throw new ApiError(403, 'board_writers_only', 'only the facilitator and participants can add files')
			}
			const bytes = new Uint8Array(await c.req.arrayBuffer())
			if (bytes.length === 0) throw new ApiError(400, 'empty_upload', 'the file is empty')
			const extension = sniffMedia(bytes)
			if (!extension) {
				throw new ApiError(415, 'unsupported_type', `accepted files: ${Object.values(mediaTypes).join(', ')}`)
			}
			return withRoom(registry, workshop, async () => {
				const name = await files.save(workshop, extension, bytes).catch(() => {
					throw new ApiError(503, 'storage_unavailable', 'the file could not be stored; try again')
				})
				return c.json({ src: `/assets/${workshop}/${name}`, type: mediaTypes[extension], size: bytes.length }, 201)
			})
		},
	)
}

/** `GET /assets/<workshop>/<file>`: serves an uploaded file; its random name is the capability. */
export function assetFileRoutes(files: AssetStore) {
	return new Hono().get('/:workshop/:name', async (c) => {
		const found = await files.read(c.req.param('workshop'), c.req.param('name'))
		if (!found) throw new ApiError(404, 'asset_not_found', 'no such file')
		return c.body(new Uint8Array(found.bytes), 200, {
			'content-type': found.type,
			'cache-control': 'private, max-age=31536000, immutable',
			'x-content-type-options': 'nosniff',
			'content-security-policy': "default-src 'none'; sandbox",
		})
	})
}
