import { expect, test } from 'vitest'
import { Metrics } from './metrics.ts'

test('[O1] counters keep one series per label set, whatever the object passed', () => {
	const metrics = new Metrics()
	for (let i = 0; i < 3; i++) metrics.inc('tablee_ws_messages_sent_total', { channel: 'board' })
	metrics.inc('tablee_ws_bytes_sent_total', { channel: 'board' }, 120)
	metrics.inc('tablee_ws_messages_sent_total', { channel: 'control' })
	metrics.inc('tablee_ws_refused_total', { code: '4401' })
	metrics.inc('tablee_ws_connections_total')
	metrics.inc('tablee_saves_total', { result: 'ok', note: 'a "quoted"\nvalue' })

	expect(metrics.get('tablee_ws_messages_sent_total', { channel: 'board' })).toBe(3)
	expect(metrics.get('tablee_ws_bytes_sent_total', { channel: 'board' })).toBe(120)
	expect(metrics.get('tablee_ws_messages_sent_total', { channel: 'control' })).toBe(1)
	expect(metrics.get('tablee_ws_connections_total')).toBe(1)
	const text = metrics.render({ tablee_rooms_loaded: 2 })
	expect(text).toContain('tablee_ws_messages_sent_total{channel="board"} 3\n')
	expect(text).toContain('tablee_ws_messages_sent_total{channel="control"} 1\n')
	expect(text).toContain('tablee_ws_refused_total{code="4401"} 1\n')
	expect(text).toContain('tablee_ws_connections_total 1\n')
	expect(text).toContain('tablee_saves_total{result="ok",note="a _quoted__value"} 1\n')
	expect(text).toContain('tablee_rooms_loaded 2\n')
})

test('[X9] tablee_redis_up is served only by a process given it (several processes), 1 or 0', () => {
	const metrics = new Metrics()
	expect(metrics.render({ tablee_rooms_loaded: 1 })).not.toContain('tablee_redis_up')
	expect(metrics.render({ tablee_redis_up: 0 })).toContain('# TYPE tablee_redis_up gauge\ntablee_redis_up 0\n')
	expect(metrics.render({ tablee_redis_up: 1 })).toContain('tablee_redis_up 1\n')
})
