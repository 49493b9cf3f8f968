"""Text of the sample PDF and DOCX documents, in a tiny Markdown-like markup.

Markup (one block per paragraph, blocks separated by a blank line):
``# `` heading 1, ``## `` heading 2, lines starting with ``- `` a bulleted list,
lines starting with ``|`` a table (first row is the header), anything else a
paragraph (its lines are joined with a space). Rendered by ``ingestion.samples_build``.
All names, numbers and identifiers are fictional.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SampleDoc:
    """One generated document: path relative to ``ingestion/samples``."""

    path: str
    title: str
    audience: str
    lang: str
    body: str


TRANSPORT_DE_FONDS = """
# Remise des fonds au transporteur et gestion du coffre

Référence PROC-CAI-003 — version du 14 octobre 2024 — direction des opérations et service sécurité.
Procédure confidentielle : elle ne doit être ni affichée ni photocopiée, et ne doit jamais être
évoquée devant des clients ou des prestataires extérieurs.

## 1. Le prestataire

Les espèces des magasins de France sont collectées par la société Transval Sécurité
(SIRET 539 204 180 00019), dans le cadre du contrat national 2024-2027. Les convoyeurs se
présentent toujours à deux ou trois, en uniforme, avec une carte professionnelle nominative
délivrée par le CNAPS. Le passage a lieu deux fois par semaine, le mardi et le vendredi,
dans une plage de 10 h 00 à 12 h 30. L'heure exacte n'est jamais communiquée à l'avance
et varie d'une semaine à l'autre : c'est voulu.

## 2. Le coffre

- Le montant d'espèces conservé au coffre ne doit jamais dépasser 15 000 € (plafond de l'assurance).
- Si ce plafond risque d'être dépassé avant le prochain passage (soldes, fêtes), le responsable
  demande un passage supplémentaire au service sécurité au moins 24 heures à l'avance.
- Le coffre est à ouverture temporisée : un délai de 10 minutes s'écoule entre la saisie du code
  et l'ouverture. Seuls le responsable, l'adjoint et un collaborateur désigné connaissent le code,
  qui est changé à chaque départ de l'un d'eux et au moins tous les 6 mois.

## 3. Préparer les fonds

Chaque soir, après la clôture des caisses, la recette en espèces est placée dans un sac de dépôt
scellé à usage unique. Le numéro du scellé et le montant sont inscrits sur le bordereau de remise
en trois exemplaires. Les pièces ne sont pas remises au transporteur : elles sont conservées pour
reconstituer les fonds de caisse. Un sac ne doit pas contenir plus de 5 000 €.

## 4. Le passage des convoyeurs

- Les convoyeurs sonnent à la porte de service, jamais à l'entrée clients.
- Vérifier leur identité par l'interphone ou la caméra avant d'ouvrir : uniforme, carte
  professionnelle et mot de passe du mois, communiqué par le service sécurité le 1er de chaque mois.
- En cas de doute, ne pas ouvrir et appeler le centre de contrôle de Transval au 01 49 72 38 00.
- Remettre les sacs scellés dans le bureau, à l'abri des regards. Le chef de bord vérifie
  l'intégrité des scellés, signe les trois exemplaires du bordereau et en laisse un au magasin.
- Ne jamais ouvrir un sac devant le convoyeur, ne jamais recompter les espèces à ce moment-là.

## 5. En cas d'agression

Ne jamais résister, ne jamais tenter de reprendre les fonds, obéir aux instructions, observer
sans fixer. Dès que possible, appeler le 17, puis le service sécurité (astreinte 24 h/24 :
01 53 24 60 99). Ne toucher à rien jusqu'à l'arrivée de la police. Une cellule d'écoute
psychologique est proposée à tous les témoins.

## 6. Écarts et contrôles

| Situation | Délai | Action |
|---|---|---|
| Écart signalé par le centre de comptage | 48 heures | Justificatif adressé au service audit |
| Scellé endommagé à la remise | Immédiat | Refus de prise en charge, appel au service sécurité |
| Passage manqué | Le jour même | Signalement au service sécurité, fonds conservés au coffre |
| Bordereau perdu | 24 heures | Déclaration écrite au service audit |

Le montant remis est crédité sur le compte de l'enseigne dans un délai de 2 jours ouvrés après
comptage. Le service audit rapproche chaque semaine les remises et les ventes en espèces.
"""

INCENDIE_EVACUATION = """
# Sécurité incendie et évacuation du magasin

Référence PROC-SEC-001 — version du 9 septembre 2024 — service sécurité et santé au travail.
Les magasins Maison Lumière sont des établissements recevant du public (ERP) de type M.
Cette procédure complète les consignes affichées et le plan d'évacuation de chaque magasin.

## 1. Organisation

- Chaque magasin désigne un responsable d'évacuation (le responsable de magasin ou son adjoint)
  et, pour chaque zone, un guide-file et un serre-file, dont les noms sont affichés en réserve.
- Au moins 50 % des collaborateurs présents doivent avoir suivi la formation « équipier de
  première intervention » (manipulation des extincteurs, 2 heures, renouvelée tous les 2 ans).
- Le registre de sécurité est tenu dans le bureau du responsable : vérifications, exercices,
  travaux, formations. Il est présenté à la commission de sécurité lors de ses visites.

## 2. Exercices d'évacuation

Deux exercices sont organisés chaque année, dont un au moins pendant les heures d'ouverture
au public, avant l'ouverture à 9 h 45 si le règlement du centre commercial l'exige. L'objectif est
une évacuation complète en moins de 3 minutes. Le temps réalisé est noté au registre de sécurité.
Un exercice non réalisé doit être reprogrammé dans le mois.

## 3. Si vous découvrez un feu

- Donner l'alerte : crier « Au feu ! », appuyer sur le déclencheur manuel le plus proche
  (boîtier rouge), prévenir le responsable.
- Appeler les pompiers au 18 ou le 112, donner l'adresse exacte et l'étage.
- Attaquer le feu uniquement s'il est naissant et si vous êtes formé, avec l'extincteur adapté,
  en gardant toujours une issue derrière vous.
- Ne jamais utiliser l'ascenseur.

## 4. Les extincteurs

| Type | Couleur de l'étiquette | Usage |
|---|---|---|
| Eau pulvérisée avec additif (6 litres) | Blanche | Feux de textiles, cartons, papier, bois |
| Dioxyde de carbone CO2 (2 ou 5 kg) | Noire | Feux d'origine électrique : caisses, tableaux, écrans |
| Poudre (6 kg) | Bleue | Réserve uniquement, feux mixtes ; jamais en surface de vente |

Un extincteur utilisé, même partiellement, est remplacé dans la journée. La vérification annuelle
par le prestataire est inscrite au registre.

## 5. L'évacuation

Au signal sonore d'évacuation (sonnerie continue de plus de 5 minutes), l'évacuation est
immédiate et non négociable.

- Arrêter la musique, annoncer au micro : « Suite à un incident technique, nous vous demandons de
  quitter le magasin par la sortie la plus proche. »
- Le guide-file conduit les clients vers les sorties ; le serre-file vérifie cabines, toilettes,
  réserve et bureau, ferme les portes derrière lui sans les verrouiller.
- Laisser les caisses telles quelles : ne pas emporter la recette, ne pas fermer les tiroirs à clé.
- Les personnes à mobilité réduite sont accompagnées vers l'espace d'attente sécurisé indiqué sur
  le plan, et leur présence est signalée aux pompiers.
- Rejoindre le point de rassemblement indiqué sur le plan d'évacuation ; le responsable fait
  l'appel des collaborateurs à partir du planning du jour.
- Personne ne rentre dans le magasin avant l'autorisation des pompiers ou de la sécurité du centre.

## 6. Vérifications périodiques

- Chaque jour, à l'ouverture : issues de secours dégagées et déverrouillées, blocs autonomes
  d'éclairage de sécurité allumés.
- Chaque mois : essai du système d'alarme (premier lundi, avant l'ouverture), contrôle visuel
  des extincteurs (plomb, pression, accessibilité).
- Chaque année : vérification des extincteurs, de l'alarme et des installations électriques par
  des organismes agréés ; rapports conservés 10 ans.

## 7. Stockage en réserve

Les cartons ne doivent pas être stockés à moins de 50 cm du plafond ni devant un tableau électrique.
Les parfums et aérosols sont stockés dans l'armoire dédiée, à l'écart de toute source de chaleur.
Les allées de la réserve doivent avoir une largeur libre d'au moins 90 cm. Interdiction absolue de
fumer ou de vapoter en réserve, y compris pendant les livraisons.

## 8. Après un incident

Tout départ de feu, même éteint immédiatement, est déclaré le jour même au service sécurité et
inscrit au registre de sécurité. Une évacuation réelle donne lieu à un rapport d'incident dans les
24 heures.
"""

MUTUELLE_PREVOYANCE = """
# Complémentaire santé (mutuelle) et prévoyance

Note RH n° 2025-01 du 6 janvier 2025 — régime collectif obligatoire applicable à tous les
collaborateurs en France. Organisme assureur : Mutuelle Avenir Commerce, contrat n° 2023-ML-0457.

## 1. Qui est concerné ?

L'adhésion est obligatoire pour tous les salariés en CDI et en CDD, dès le premier jour
d'embauche, sans délai de carence. Elle couvre le salarié ; les ayants droit (conjoint, enfants)
peuvent être ajoutés à titre facultatif.

## 2. Combien ça coûte ?

La cotisation est partagée entre Maison Lumière (60 %) et le salarié (40 %). Elle est prélevée
directement sur le bulletin de paie.

| Formule | Cotisation totale par mois | Part employeur | Part salarié |
|---|---|---|---|
| Salarié seul (obligatoire) | 71,00 € | 42,60 € | 28,40 € |
| Option conjoint | + 64,00 € | 0 € | + 64,00 € |
| Option enfant (gratuit à partir du 3e) | + 32,50 € par enfant | 0 € | + 32,50 € |
| Surcomplémentaire « Confort » | + 14,90 € | 0 € | + 14,90 € |

## 3. Dispenses

Un salarié peut demander à être dispensé d'adhésion dans les cas prévus par la loi, notamment :
CDD de moins de 3 mois, couverture obligatoire par le contrat du conjoint (attestation annuelle),
bénéficiaire de la complémentaire santé solidaire, temps partiel dont la cotisation représenterait
au moins 10 % du salaire brut. La demande de dispense est faite par écrit dans MonEspace RH
dans le mois suivant l'embauche, avec les justificatifs.

## 4. Principaux remboursements (Sécurité sociale incluse)

- Consultation d'un médecin généraliste : 200 % de la base de remboursement.
- Hospitalisation : frais de séjour au réel ; chambre particulière 70 € par jour, 60 jours par an.
- Optique : 100 % santé sans reste à charge ; équipement libre jusqu'à 250 € tous les 2 ans.
- Dentaire : prothèses 100 % santé sans reste à charge ; prothèses libres à 350 % de la base.
- Audiologie : 100 % santé ; appareillage libre jusqu'à 1 700 € par oreille tous les 4 ans.
- Médecines douces (ostéopathe, psychologue, diététicien) : 40 € par séance, 4 séances par an.

## 5. Portabilité après le départ

En cas de fin de contrat ouvrant droit à l'assurance chômage, le salarié conserve gratuitement
la mutuelle et la prévoyance pendant une durée égale à celle de son dernier contrat, dans la
limite de 12 mois.

## 6. Prévoyance

La prévoyance est entièrement financée par l'employeur pour les non-cadres (1,20 % du salaire
brut). Elle garantit :

- en cas de décès : un capital égal à 200 % du salaire annuel brut, majoré de 50 % par enfant
  à charge ;
- en cas d'arrêt de travail de plus de 90 jours : des indemnités complémentaires portant la
  rémunération à 80 % du salaire brut ;
- en cas d'invalidité : une rente complémentaire selon la catégorie d'invalidité.

## 7. Démarches

La carte de tiers payant est envoyée au domicile dans les 15 jours suivant l'embauche.
L'espace adhérent en ligne de Mutuelle Avenir Commerce permet de suivre les remboursements et de
télécharger les attestations. Pour toute question : mutuelle@maison-lumiere.fr ou le service
adhérents au 09 69 32 14 50, du lundi au vendredi de 8 h 30 à 18 h 00.
"""

BUDGET_2025 = """
# Budget 2025 — synthèse pour le comité de direction

Document confidentiel — direction financière — version validée par le conseil d'administration du
12 décembre 2024. Diffusion : comité de direction, directeurs régionaux, contrôleurs de gestion.

## 1. Hypothèses

- Réseau au 1er janvier 2025 : 120 magasins (104 en France, 6 en Belgique, 4 en Suisse, 3 en
  Espagne, 2 au Luxembourg, 1 en Irlande), surface de vente totale de 71 400 m².
- Inflation moyenne des prix d'achat : +2,8 % ; hausse moyenne des prix de vente : +1,9 %.
- Fréquentation des magasins : -1 % à périmètre constant ; panier moyen : +3,5 %.
- Part du chiffre d'affaires en ligne : 17 % (contre 15,2 % en 2024).

## 2. Compte de résultat prévisionnel

| Indicateur | Réel 2024 (estimé) | Budget 2025 | Évolution |
|---|---|---|---|
| Chiffre d'affaires total HT | 398,6 M€ | 412,0 M€ | +3,4 % |
| dont magasins | 338,0 M€ | 342,0 M€ | +1,2 % |
| dont site internet | 60,6 M€ | 70,0 M€ | +15,5 % |
| Marge brute | 222,4 M€ (55,8 %) | 231,5 M€ (56,2 %) | +0,4 point |
| Frais de personnel | 96,1 M€ | 98,9 M€ | +2,9 % |
| Loyers et charges | 58,3 M€ | 60,2 M€ | +3,3 % |
| Marketing | 15,0 M€ | 16,2 M€ | +8,0 % |
| EBITDA | 35,8 M€ | 39,5 M€ | +10,3 % |

## 3. Investissements

Le budget d'investissement 2025 s'élève à 18,5 M€ :

- rénovation de 14 magasins au nouveau concept « Lumière 2025 » : 9,8 M€ (700 000 € par magasin) ;
- ouverture de 3 magasins (Bordeaux Mériadeck, Lille Euralille, Madrid Goya) : 4,6 M€ ;
- nouvelles caisses et tablettes de vente : 2,1 M€ ;
- entrepôt de Saint-Quentin-Fallavier, automatisation du tri des retours web : 2,0 M€.

## 4. Fermetures

Deux magasins en fin de bail et déficitaires depuis 3 ans seront fermés au 30 juin 2025 : Évreux
centre-ville et Montluçon. Les 19 collaborateurs concernés se verront proposer un reclassement
dans un magasin à moins de 50 km.

## 5. Objectifs par région

| Région | Nombre de magasins | Chiffre d'affaires 2025 | Directeur régional |
|---|---|---|---|
| Île-de-France | 28 | 96,5 M€ | Nadia Belkacem |
| Nord-Est | 22 | 55,0 M€ | François Muller |
| Ouest | 20 | 49,4 M€ | Hélène Rivière |
| Sud-Est | 24 | 63,2 M€ | Thomas Lefèvre |
| Sud-Ouest | 10 | 23,9 M€ | Pierre Dufour |
| International | 16 | 54,0 M€ | Lieve Janssens (Benelux, Irlande) et Markus Keller (Suisse, Espagne) |

## 6. Effectifs

Effectif moyen prévu : 1 980 équivalents temps plein (dont 1 610 en magasin). Enveloppe des
négociations annuelles : 2,4 % de la masse salariale, dont 1,6 % d'augmentation générale et 0,8 %
d'augmentations individuelles. Budget formation : 1,9 M€.

## 7. Risques identifiés

- Baisse de la fréquentation des centres commerciaux au-delà de 3 % : impact estimé de -6 M€ de
  chiffre d'affaires.
- Hausse du coût du coton et du lin : chaque point de hausse coûte environ 0,9 M€ de marge.
- Retard de l'ouverture de Madrid Goya : -1,8 M€ de chiffre d'affaires.

Un point d'étape budgétaire est présenté chaque trimestre au comité de direction ; la révision
budgétaire a lieu en juillet.
"""

INVENTAIRE_ANNUEL = """
# Inventaire annuel des magasins — procédure 2025

Référence PROC-STK-001 — version du 2 mai 2025 — direction des opérations et contrôle de gestion.

## 1. Dates et principe

L'inventaire annuel a lieu le dimanche 29 juin 2025 dans tous les magasins de France, de Belgique
et du Luxembourg. Les magasins autorisés à ouvrir le dimanche restent fermés ce jour-là. Le
comptage est réalisé par les équipes du magasin, en binômes, puis contrôlé par une équipe de
l'audit interne dans un magasin sur cinq, tiré au sort la veille.

## 2. Préparation (semaine précédente)

- Lundi 23 juin : dernière réception de marchandises ; aucune livraison entre le 24 et le 29 juin.
- Mercredi 25 juin : envoi à l'entrepôt des retours web, des articles SAV et des invendus à renvoyer.
- Vendredi 27 juin : étiquetage des zones (numéro de zone sur chaque meuble, portant et étagère de
  réserve), rangement complet par taille, regroupement des articles hors zone.
- Samedi 28 juin au soir : clôture des caisses, dernière synchronisation des terminaux, gel des
  mouvements de stock à 20 h 00. Aucun transfert entre magasins ne peut être saisi après ce gel.

## 3. Organisation du comptage

| Horaire | Étape |
|---|---|
| 7 h 30 | Accueil de l'équipe, brief sécurité, remise des scanners chargés |
| 8 h 00 – 12 h 30 | Premier comptage, zone par zone, en binômes (un compteur, un contrôleur) |
| 12 h 30 – 13 h 15 | Pause déjeuner (repas pris en charge par le magasin, 15 € par personne) |
| 13 h 15 – 15 h 30 | Recomptage des zones en écart et comptage de la réserve |
| 15 h 30 – 16 h 30 | Validation par le responsable et envoi du fichier au siège |

Chaque article est scanné individuellement : il est interdit de scanner une étiquette en
multipliant la quantité, sauf pour les lots sous film (cartons fermés de l'entrepôt, scannés avec
le code-barres du colis).

## 4. Écarts et recomptages

Le logiciel compare le comptage au stock théorique par zone. Une zone est recomptée par un autre
binôme lorsque l'écart dépasse 2 % en quantité ou 300 € en valeur. Le second comptage fait foi. Les
écarts restants sont analysés par le contrôle de gestion dans les 10 jours : taux de démarque
inconnue du magasin, références les plus touchées, erreurs de réception.

## 5. Règles particulières

- Articles défectueux en bac SAV : comptés dans la zone « SAV », jamais en surface de vente.
- Testeurs de parfum : non comptés (hors stock).
- Articles clients en attente (click & collect, retouches) : comptés dans la zone « Clients ».
- Cartes cadeaux vierges : comptées par le responsable, à part, et rapprochées du registre.

## 6. Personnel

L'inventaire est une journée de travail obligatoire pour tous les collaborateurs, sauf congés
validés avant le 1er mai et arrêts maladie. Les heures du dimanche sont majorées de 100 % et un
jour de repos est attribué dans les 15 jours. Un t-shirt Maison Lumière est fourni.

## 7. Résultats

Le taux de démarque inconnue de chaque magasin est communiqué au responsable sous 15 jours. Une
prime d'équipe de 150 € brut par collaborateur est versée lorsque le taux est inférieur à 0,8 % du
chiffre d'affaires.
"""

PLANNING_HORAIRES = """
# Plannings et horaires de travail en magasin

Note RH n° 2024-12 — version du 4 novembre 2024 — à appliquer par tous les responsables de magasin.
Exemple commenté : magasin de Lyon Part-Dieu (n° 042).

## 1. Publication du planning

- Le planning est établi par le responsable de magasin dans l'outil de planification et publié
  dans MonEspace RH au moins 3 semaines à l'avance.
- Toute modification doit être communiquée au collaborateur au moins 7 jours calendaires avant la
  date concernée (délai de prévenance), sauf accord écrit du collaborateur ou circonstance
  exceptionnelle (absence imprévue d'un collègue), auquel cas le délai est ramené à 3 jours.
- Un collaborateur à temps partiel peut refuser une modification notifiée moins de 7 jours à
  l'avance sans que ce refus soit une faute.

## 2. Règles de construction

- 6 jours de travail par semaine au maximum, avec au moins 2 jours de repos consécutifs une
  semaine sur deux.
- Repos quotidien d'au moins 11 heures entre deux postes.
- Pause de 20 minutes au minimum dès 6 heures de travail ; une pause repas d'au moins 45 minutes
  pour les journées de plus de 7 heures.
- Amplitude journalière de 10 heures au maximum.
- Un samedi non travaillé par mois pour chaque collaborateur qui en fait la demande.
- Au moins un sauveteur secouriste du travail présent à chaque ouverture.

## 3. Exemple de semaine — Lyon Part-Dieu, semaine du 18 novembre 2024

Extrait du planning (4 des 14 collaborateurs du magasin) : Sophie Marchand, responsable de
magasin ; Lucie Garnier, responsable adjointe ; Karim Benali, conseiller de vente ; Antoine Roux,
agent logistique à temps partiel (28 heures).

| Collaborateur | Matricule | Lun. | Mar. | Mer. | Jeu. | Ven. | Sam. |
|---|---|---|---|---|---|---|---|
| Sophie Marchand | EMP-000917 | 9h15-17h15 | 9h15-17h15 | Repos | 12h15-20h15 | 9h15-17h15 | 12h15-20h15 |
| Lucie Garnier | EMP-003158 | 12h15-20h15 | Repos | 9h15-17h15 | 9h15-17h15 | 12h15-20h15 | 9h15-17h15 |
| Karim Benali | EMP-004217 | Repos | 12h15-20h15 | 12h15-20h15 | 9h15-17h15 | 12h15-20h15 | 9h15-17h15 |
| Antoine Roux | EMP-005902 | 7h00-14h30 | 7h00-14h30 | 7h00-14h30 | Repos | 7h00-14h30 | Repos |

Chaque poste de 8 heures des collaborateurs à temps complet comprend une pause repas d'une heure,
soit 7 heures de travail effectif : 5 postes représentent 35 heures. Les postes d'Antoine Roux
comprennent une pause de 30 minutes, soit 4 postes de 7 heures pour 28 heures. Le samedi, la
fermeture est toujours assurée par la responsable ou son adjointe, accompagnée d'un second
collaborateur.

## 4. Échanges entre collègues

Deux collaborateurs peuvent échanger un poste entre eux avec l'accord préalable du responsable,
saisi dans MonEspace RH au moins 48 heures à l'avance. Un échange ne doit pas conduire à dépasser
les durées maximales ni à supprimer un repos obligatoire.

## 5. Pointage

Chaque collaborateur badge à l'arrivée, au départ et aux pauses repas sur la pointeuse de la
réserve. Un oubli de badgeage est régularisé par le responsable le jour même. Le relevé d'heures
est consultable chaque semaine dans MonEspace RH.

## 6. Contact

Questions sur le planning : votre responsable de magasin, puis planification@maison-lumiere.fr.
Référente à Lyon Part-Dieu : Sophie Marchand (sophie.marchand@maison-lumiere.fr).
"""

GRILLE_SALARIALE = """
# Grille salariale 2025 — personnel des magasins

Document strictement confidentiel — direction des ressources humaines — applicable au 1er mars
2025, après l'accord de négociation annuelle obligatoire (NAO) signé le 11 février 2025.

## 1. Accord NAO 2025

- Augmentation générale de 1,6 % pour tous les salariés non cadres présents au 31 décembre 2024,
  avec un minimum de 30 € brut par mois pour un temps complet.
- Enveloppe d'augmentations individuelles : 0,8 % de la masse salariale, attribuée lors des
  entretiens annuels.
- Prime de partage de la valeur : 400 € pour les salaires inférieurs à 2 SMIC, versée en avril.
- Revalorisation du titre-restaurant : valeur faciale portée à 9,50 € (part employeur 60 %).

## 2. Salaires minimaux mensuels bruts (temps complet, 35 heures)

| Niveau | Coefficient | Fonction type | Salaire minimal 2024 | Salaire minimal 2025 |
|---|---|---|---|---|
| 1 | 150 | Conseiller de vente débutant, agent logistique | 1 802 € | 1 831 € |
| 2 | 160 | Conseiller de vente (après 1 an) | 1 845 € | 1 875 € |
| 3 | 175 | Conseiller de vente senior, caissier principal | 1 905 € | 1 936 € |
| 4 | 190 | Responsable de rayon | 1 985 € | 2 017 € |
| 5 | 230 | Responsable adjoint (agent de maîtrise) | 2 480 € | 2 520 € |
| 6 | 280 | Responsable de magasin catégorie C (cadre) | 2 950 € | 3 000 € |
| 7 | 330 | Responsable de magasin catégories A et B (cadre) | 3 450 € | 3 510 € |

## 3. Primes et variables

- Prime d'ancienneté : 3 % du salaire de base après 3 ans, 6 % après 6 ans, 9 % après 9 ans,
  12 % après 12 ans.
- Prime mensuelle sur objectifs (conseillers et responsables de rayon) : jusqu'à 5 % du salaire
  de base, selon le chiffre d'affaires du magasin et le taux de transformation.
- Prime annuelle des responsables de magasin : jusqu'à 10 % du salaire annuel, selon le chiffre
  d'affaires, la marge, la démarque et l'indice de satisfaction clients.
- Prime de tutorat : 100 € brut par nouvel arrivant accompagné jusqu'à la fin de sa période d'essai.
- Treizième mois : versé en décembre, au prorata du temps de présence, après 6 mois d'ancienneté.

## 4. Majoration géographique

Les magasins de Paris et de la petite couronne bénéficient d'une majoration de 6 % du salaire de
base ; ceux de Lyon, Nice et Annecy de 3 %. Les salariés des magasins à l'étranger relèvent de
grilles locales (Belgique, Luxembourg, Suisse, Espagne, Irlande).

## 5. Règles de confidentialité

Cette grille ne doit pas être diffusée aux équipes des magasins. Chaque salarié est informé
individuellement de son propre salaire et de sa position dans la grille. Les demandes d'information
sur l'égalité de rémunération entre les femmes et les hommes (index égalité : 91/100 en 2024) sont
adressées au service RH.
"""

REVUE_PERFORMANCE = """
# Revue de performance des magasins — 3e trimestre 2024

Document confidentiel — contrôle de gestion et direction des opérations — présenté au comité de
direction du 21 octobre 2024. Période : du 1er juillet au 30 septembre 2024.

## 1. Synthèse du réseau

Le chiffre d'affaires des magasins s'établit à 78,4 M€ HT sur le trimestre, en hausse de 1,8 % à
périmètre constant. La fréquentation recule de 2,1 %, compensée par une hausse du panier moyen de
4,0 % (58,70 € contre 56,45 €). Le taux de transformation atteint 23,4 % (+0,6 point). La démarque
inconnue se dégrade légèrement à 1,45 % du chiffre d'affaires (1,38 % au T3 2023).

## 2. Meilleures performances

| Magasin | Responsable | CA T3 | Évolution | Transformation |
|---|---|---|---|---|
| Lyon Part-Dieu (042) | Sophie Marchand | 2,41 M€ | +9,2 % | 27,8 % |
| Paris Haussmann (001) | Grégoire Lemoine | 3,95 M€ | +6,1 % | 21,9 % |
| Bruxelles Toison d'Or (201) | Lieve Janssens | 1,38 M€ | +7,4 % | 25,1 % |
| Zurich Bahnhofstrasse (116) | Markus Keller | 1,12 M€ | +11,0 % | 24,3 % |

Lyon Part-Dieu confirme sa première place en progression parmi les magasins de catégorie A, grâce
au rayon beauté (+18 %) et au click & collect (98 % des commandes préparées en moins de 2 heures).

## 3. Magasins sous surveillance

| Magasin | CA T3 | Évolution | Point d'attention |
|---|---|---|---|
| Évreux centre-ville (078) | 0,31 M€ | -12,5 % | Déficitaire depuis 3 ans, fin de bail en juin 2025 |
| Montluçon (083) | 0,27 M€ | -9,8 % | Déficitaire, fréquentation du centre-ville en baisse |
| Marseille Terrasses du Port (061) | 1,05 M€ | -4,2 % | Démarque inconnue de 2,9 % |
| Nantes Atlantis (055) | 1,19 M€ | -3,1 % | Taux de transformation de 19 %, turnover élevé |

## 4. Indicateurs clés du réseau

| Indicateur | T3 2023 | T3 2024 | Objectif 2025 |
|---|---|---|---|
| Panier moyen | 56,45 € | 58,70 € | 60,00 € |
| Taux de transformation | 22,8 % | 23,4 % | 24,0 % |
| Part des ventes avec Carte Lumière | 66 % | 68 % | 70 % |
| Démarque inconnue | 1,38 % | 1,45 % | 1,10 % |
| Satisfaction clients (NPS) | +41 | +44 | +48 |

## 5. Décisions

- Confirmation de la fermeture des magasins d'Évreux et de Montluçon au 30 juin 2025.
- Plan d'action démarque pour Marseille Terrasses du Port : agent de sécurité supplémentaire le
  samedi et audit de caisse mensuel pendant 6 mois.
- Nantes Atlantis : accompagnement du responsable par le directeur régional et formation vente de
  2 jours pour l'équipe avant le Black Friday.
- Le dispositif du rayon beauté de Lyon Part-Dieu sera étendu à 10 magasins de catégorie A en 2025.
"""

DOCS: tuple[SampleDoc, ...] = (
    SampleDoc(
        "procedures/transport-de-fonds.pdf",
        "Remise des fonds au transporteur et gestion du coffre",
        "store",
        "fr",
        TRANSPORT_DE_FONDS,
    ),
    SampleDoc(
        "securite/incendie-evacuation.pdf",
        "Sécurité incendie et évacuation du magasin",
        "store",
        "fr",
        INCENDIE_EVACUATION,
    ),
    SampleDoc(
        "rh/mutuelle-prevoyance.pdf",
        "Complémentaire santé (mutuelle) et prévoyance",
        "store, hr",
        "fr",
        MUTUELLE_PREVOYANCE,
    ),
    SampleDoc("hq/budget-2025.pdf", "Budget 2025 — synthèse pour le comité de direction", "hq", "fr", BUDGET_2025),
    SampleDoc(
        "procedures/inventaire-annuel.docx",
        "Inventaire annuel des magasins — procédure 2025",
        "store",
        "fr",
        INVENTAIRE_ANNUEL,
    ),
    SampleDoc(
        "rh/planning-horaires.docx", "Plannings et horaires de travail en magasin", "store, hr", "fr", PLANNING_HORAIRES
    ),
    SampleDoc(
        "rh/confidentiel/grille-salariale-2025.docx",
        "Grille salariale 2025 — personnel des magasins",
        "hr",
        "fr",
        GRILLE_SALARIALE,
    ),
    SampleDoc(
        "hq/revue-performance-magasins-t3-2024.docx",
        "Revue de performance des magasins — T3 2024",
        "hq",
        "fr",
        REVUE_PERFORMANCE,
    ),
)
