// @ts-check
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/**
 * One linter (ESLint + typescript-eslint) and one formatter (Prettier, run by `npm run lint`
 * in check mode). Import boundaries: the client never imports server code; only client/canvas/
 * imports React and tldraw; shared/ is plain code for both sides.
 */
const reactAndTldraw = ['react', 'react-dom', 'react/*', 'react-dom/*', 'tldraw', '@tldraw/*']

export default tseslint.config(
	{ ignores: ['dist/**', 'data/**', 'node_modules/**', 'test-artifacts/**', 'bench/results/**'] },
	js.configs.recommended,
	...tseslint.configs.recommended,
	prettier,
	{
		languageOptions: { globals: { ...globals.node }, ecmaVersion: 2024, sourceType: 'module' },
		linterOptions: { reportUnusedDisableDirectives: 'error' },
		rules: {
			'@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
			'@typescript-eslint/no-non-null-assertion': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			'no-console': ['error', { allow: ['error', 'warn'] }],
			eqeqeq: ['error', 'always'],
		},
	},
	{
		files: ['client/**'],
		ignores: ['client/canvas/**'],
		languageOptions: { globals: { ...globals.browser } },
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ group: ['**/server/**'], message: 'The client never imports server code.' },
						{ group: reactAndTldraw, message: 'Only client/canvas/ may import React and tldraw.' },
					],
				},
			],
		},
	},
	{
		files: ['client/canvas/**'],
		languageOptions: { globals: { ...globals.browser } },
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: [{ group: ['**/server/**'], message: 'The client never imports server code.' }] },
			],
		},
	},
	{
		files: ['shared/**'],
		// Unit tests beside the code run in Node only: they may read fixtures from disk.
		ignores: ['shared/**/*.test.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ group: ['**/server/**', '**/client/**'], message: 'shared/ is plain code used by both sides.' },
						{ group: ['node:*', ...reactAndTldraw], message: 'shared/ runs in the browser too.' },
					],
				},
			],
		},
	},
	{
		files: ['server/**', 'tests/**', 'bench/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: [{ group: ['**/client/**'], message: 'Server code never imports client code.' }] },
			],
		},
	},
	// Inside server/: a route is a doorway (parse, authorise, call the domain, answer), so no route
	// file imports another; only the HTTP layer imports from http/ (the relay, rooms, store and
	// domain modules never do).
	{
		files: ['server/http/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ group: ['**/client/**'], message: 'Server code never imports client code.' },
						{
							group: ['./*-routes.ts', '**/*-routes.ts'],
							message: 'A route file never imports another: move shared logic to shared/ or a server domain module.',
						},
					],
				},
			],
		},
	},
	{
		files: ['server/**'],
		ignores: ['server/http/**', 'server/app.ts', 'server/**/*.test.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ group: ['**/client/**'], message: 'Server code never imports client code.' },
						{
							group: ['../http/*', '**/http/*'],
							message: 'Only the HTTP layer (and app.ts, which mounts it) imports from server/http/.',
						},
					],
				},
			],
		},
	},
)
