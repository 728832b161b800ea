import type { Language } from '../../shared/concertation/labels.ts'

/**
 * The accessibility statement's text, in each language. It is long and read rarely, so it loads
 * with its page instead of sitting in the catalogues every participant's phone downloads.
 * `lastCheck` is the day the browser tests' checks (axe-core, keyboard paths, reflow) were last
 * reviewed by hand against the pages; change it when that review is made again.
 */
export const lastCheck = '2026-11-29'

export interface Statement {
	title: string
	status: string
	intro: string
	resultsTitle: string
	results: string[]
	notAccessibleTitle: string
	notAccessible: string[]
	alternativeTitle: string
	alternative: string
	openLight: string
	checkTitle: string
	check: (date: string) => string
	method: string
	contactTitle: string
	contact: string
	contactMissing: string
	recourseTitle: string
	recourse: string
}

export const statements: Record<Language, Statement> = {
	fr: {
		title: 'Déclaration d’accessibilité',
		status: 'Accessibilité : partiellement conforme',
		intro:
			'Tablée s’engage à rendre ses pages accessibles conformément au référentiel général d’amélioration de l’accessibilité (RGAA 4.1). Cette déclaration porte sur l’application Tablée installée sur ce serveur.',
		resultsTitle: 'État de conformité',
		results: [
			'Les pages hors du tableau — accueil, page pour rejoindre, console d’animation, vue légère (votes, test de consensus et résultats compris), synthèse nationale et documents HTML exportés — ne présentent aucune erreur grave ou critique aux règles WCAG 2.1 AA vérifiées automatiquement.',
			'Dans la vue légère, rejoindre, contribuer, modifier, déplacer une contribution vers une autre zone ou case, voter, répondre au test de consensus et lire les résultats se font au clavier seul ; les changements d’état sont annoncés aux lecteurs d’écran.',
			'La vue légère et la console restent lisibles sans défilement horizontal à 320 px de large et avec un texte agrandi à 200 %.',
		],
		notAccessibleTitle: 'Contenus non accessibles',
		notAccessible: [
			'Le tableau complet (le canevas) : placer, déplacer et relier des formes demande une souris ou un écran tactile et la vue du canevas. C’est une dérogation pour charge disproportionnée : un canevas libre n’a pas d’équivalent direct au clavier. La vue légère en donne le même contenu sous forme de listes.',
			'Les raccourcis d’une seule touche des outils de dessin (V, D, T…) ne sont actifs que lorsque le canevas a le focus ; ils appartiennent à la bibliothèque de dessin utilisée.',
			'Le document PDF exporté est balisé (langue, titre, titres, en-têtes de tableaux) mais n’a pas encore été vérifié avec un outil d’audit PDF : en cas de difficulté, préférez le document HTML ou Word.',
		],
		alternativeTitle: 'Alternative accessible',
		alternative:
			'La vue légère est l’alternative accessible au tableau : les mêmes zones et les mêmes contributions, en listes, avec toutes les actions des participant·es. Elle est proposée au moment de rejoindre un atelier, et un lien y mène en tête du tableau.',
		openLight: 'Depuis un atelier, choisissez « Vue légère (téléphone) » en rejoignant, ou le premier lien du tableau.',
		checkTitle: 'Dernière vérification',
		check: (date) => `Dernière vérification : ${date}.`,
		method:
			'Méthode : tests automatiques axe-core (règles WCAG 2.1 A et AA) sur chaque page hors canevas, parcours au clavier seul, affichage à 320 px et texte à 200 %, dans Chromium.',
		contactTitle: 'Signaler un problème',
		contact:
			'Si vous ne pouvez pas accéder à un contenu ou à un service, écrivez-nous pour obtenir une alternative ou le contenu sous une autre forme :',
		contactMissing:
			'L’organisation qui héberge ce serveur n’a pas encore indiqué d’adresse : adressez-vous à l’animation de votre atelier.',
		recourseTitle: 'Voies de recours',
		recourse:
			'Si vous avez signalé un défaut d’accessibilité sans obtenir de réponse satisfaisante, vous pouvez écrire au Défenseur des droits (formulaire en ligne sur defenseurdesdroits.fr, ou par courrier gratuit : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07).',
	},
	en: {
		title: 'Accessibility statement',
		status: 'Accessibility: partially compliant',
		intro:
			'Tablée aims to make its pages accessible under the French accessibility framework (RGAA 4.1, based on WCAG 2.1). This statement covers the Tablée application installed on this server.',
		resultsTitle: 'Compliance status',
		results: [
			'The pages outside the board — start page, join page, facilitator console, light view (votes, consensus check and results included), national synthesis and exported HTML documents — have no serious or critical failure of the WCAG 2.1 AA rules checked automatically.',
			'In the light view, joining, contributing, editing, moving a contribution to another zone or cell, voting, answering the consensus check and reading results work with the keyboard alone; status changes are announced to screen readers.',
			'The light view and the console stay readable without horizontal scrolling at 320 px wide and with text enlarged to 200 %.',
		],
		notAccessibleTitle: 'Content that is not accessible',
		notAccessible: [
			'The full board (the canvas): placing, moving and linking shapes needs a mouse or touch screen and sight of the canvas. This is an exemption for disproportionate burden: a free-form canvas has no direct keyboard equivalent. The light view gives the same content as lists.',
			'The drawing tools’ single-key shortcuts (V, D, T…) act only while the canvas has focus; they belong to the drawing library used.',
			'The exported PDF is tagged (language, title, headings, table headers) but has not yet been checked with a PDF audit tool: if it gives you trouble, prefer the HTML or Word document.',
		],
		alternativeTitle: 'Accessible alternative',
		alternative:
			'The light view is the accessible alternative to the board: the same zones and contributions, as lists, with every participant action. It is offered when joining a workshop, and a link to it comes first on the board.',
		openLight: 'From a workshop, choose “Light view (phone)” when joining, or the board’s first link.',
		checkTitle: 'Last check',
		check: (date) => `Last checked: ${date}.`,
		method:
			'Method: automated axe-core tests (WCAG 2.1 A and AA rules) on every page outside the canvas, keyboard-only paths, display at 320 px and text at 200 %, in Chromium.',
		contactTitle: 'Report a problem',
		contact:
			'If you cannot reach some content or service, write to us to get an alternative or the content in another form:',
		contactMissing:
			'The organisation hosting this server has not given an address yet: ask your workshop’s facilitator.',
		recourseTitle: 'Recourse',
		recourse:
			'If you reported an accessibility problem without a satisfactory answer, you may contact the Défenseur des droits (online form at defenseurdesdroits.fr, or free post: Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07).',
	},
}
