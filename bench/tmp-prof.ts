import { writeFileSync } from 'node:fs'
import { consolidate } from '../shared/consolidation/model.ts'
import { renderPdf } from '../server/exports/render-pdf.ts'
import { renderMarkdown } from '../shared/consolidation/render-text.ts'
import { fixtureInput } from '../tests/fixtures/workshop-fixture.ts'
const model = consolidate(fixtureInput)
let t = performance.now()
writeFileSync('/tmp/out.pdf', await renderPdf(model, 'fr'))
console.log('pdf', performance.now() - t)
t = performance.now()
await renderPdf(model, 'fr')
console.log('pdf2', performance.now() - t)
writeFileSync('/tmp/out.md', renderMarkdown(model, 'fr'))
