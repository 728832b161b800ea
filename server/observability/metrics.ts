/**
 * Counters and gauges served as Prometheus text on `GET /api/metrics`. Counters are incremented
 * where things happen; gauges are read when the endpoint is scraped.
 */
type Labels = Record<string, string>

const help: Record<string, [type: 'counter' | 'gauge', text: string]> = {
	tablee_ws_connections_total: ['counter', 'WebSocket connections accepted and attached to a room'],
	tablee_ws_refused_total: ['counter', 'WebSocket connections refused, by close code'],
	tablee_ws_messages_received_total: ['counter', 'WebSocket messages received, by channel'],
	tablee_ws_bytes_received_total: ['counter', 'WebSocket bytes received, by channel'],
	tablee_ws_messages_sent_total: ['counter', 'WebSocket messages sent, by channel'],
	tablee_ws_bytes_sent_total: ['counter', 'WebSocket bytes sent, by channel'],
	tablee_refused_frames_total: ['counter', 'Frames or presence updates refused, by reason'],
	tablee_saves_total: ['counter', 'Workshop saves, by result'],
	tablee_rooms_loaded: ['gauge', 'Workshops loaded in memory'],
	tablee_ws_connections: ['gauge', 'Open WebSocket connections attached to a room'],
	tablee_save_lag_seconds: ['gauge', 'Age of the oldest change not yet stored, over all rooms'],
	tablee_memory_rss_bytes: ['gauge', 'Resident set size of the server process'],
	tablee_memory_heap_used_bytes: ['gauge', 'V8 heap in use'],
	tablee_storage_up: ['gauge', '1 when the storage (data directory or database) can be written, else 0'],
	tablee_redis_up: ['gauge', '1 when Redis answers, else 0 (only with several processes, REDIS_URL)'],
}

/** Gauges left out of the text when not given: they describe a configuration this server may not have. */
const optional: ReadonlySet<MetricName> = new Set(['tablee_redis_up'])

export type MetricName = keyof typeof help

export class Metrics {
	private readonly values = new Map<MetricName, Map<string, number>>()
	/**
	 * Label text of one-label series, by label name then value. The relay counts four times per
	 * message it relays: building the text each time was a measurable share of its CPU.
	 */
	private readonly oneLabel = new Map<string, Map<string, string>>()

	inc(name: MetricName, labels: Labels = {}, by = 1): void {
		let series = this.values.get(name)
		if (!series) {
			series = new Map()
			this.values.set(name, series)
		}
		const key = this.labelKey(labels)
		series.set(key, (series.get(key) ?? 0) + by)
	}

	/** The current value of a series (tests, diagnostics). */
	get(name: MetricName, labels: Labels = {}): number {
		return this.values.get(name)?.get(this.labelKey(labels)) ?? 0
	}

	/** labelText(labels), computed once per label and value when there is a single label. */
	private labelKey(labels: Labels): string {
		let only: string | undefined
		for (const key in labels) {
			if (only !== undefined) return labelText(labels)
			only = key
		}
		if (only === undefined) return ''
		const value = labels[only] as string
		let byValue = this.oneLabel.get(only)
		if (!byValue) {
			byValue = new Map()
			this.oneLabel.set(only, byValue)
		}
		let text = byValue.get(value)
		if (text === undefined) {
			text = labelText(labels)
			byValue.set(value, text)
		}
		return text
	}

	/** Prometheus text exposition format, with the gauges given. */
	render(gauges: Partial<Record<MetricName, number>>): string {
		const lines: string[] = []
		for (const [name, [type, text]] of Object.entries(help) as [MetricName, [string, string]][]) {
			if (optional.has(name) && gauges[name] === undefined) continue
			const series =
				type === 'gauge' ? new Map([['', gauges[name] ?? 0]]) : (this.values.get(name) ?? new Map([['', 0]]))
			lines.push(`# HELP ${name} ${text}`, `# TYPE ${name} ${type}`)
			for (const [labels, value] of series) lines.push(`${name}${labels} ${value}`)
		}
		return `${lines.join('\n')}\n`
	}
}

function labelText(labels: Labels): string {
	const entries = Object.entries(labels)
	if (entries.length === 0) return ''
	return `{${entries.map(([key, value]) => `${key}="${value.replace(/["\\\n]/g, '_')}"`).join(',')}}`
}
