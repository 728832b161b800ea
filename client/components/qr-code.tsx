import { createMemo, For } from 'solid-js'
import { encode } from 'uqr'

/** A QR code drawn as SVG (scannable on a projected screen and on paper). */
export function QrCode(props: { value: string; label: string; size?: number }) {
	const qr = createMemo(() => encode(props.value, { ecc: 'M', border: 2 }))
	const path = createMemo(() => {
		const { data } = qr()
		let d = ''
		data.forEach((row, y) =>
			row.forEach((dark, x) => {
				if (dark) d += `M${x} ${y}h1v1h-1z`
			}),
		)
		return d
	})
	return (
		<svg
			class="qr"
			role="img"
			aria-label={props.label}
			viewBox={`0 0 ${qr().size} ${qr().size}`}
			width={props.size ?? 200}
			height={props.size ?? 200}
			shape-rendering="crispEdges"
			data-qr-value={props.value}
		>
			<rect width="100%" height="100%" fill="#fff" />
			<For each={[path()]}>{(d) => <path d={d} fill="#000" />}</For>
		</svg>
	)
}
