/**
 * Placeholder shell until the board client lands (issue "Board client"): it says what the
 * server is and where its API is documented, in French first.
 */
export function App() {
	return (
		<main
			style={{ 'font-family': 'system-ui, sans-serif', 'max-width': '40rem', margin: '3rem auto', padding: '0 1rem' }}
		>
			<h1>Tablée</h1>
			<p lang="fr">
				Tableau blanc collaboratif pour les concertations territoriales entre associations et financeurs. Le serveur est
				en marche ; l'interface d'animation arrive bientôt.
			</p>
			<p lang="en">
				Collaborative whiteboard for territorial consultations between associations and funders. The server is running;
				the facilitation interface is coming soon.
			</p>
		</main>
	)
}
