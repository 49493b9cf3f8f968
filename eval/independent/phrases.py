"""Words of the independent documents, per language: field labels, prose frames, e-mail formulas, and the
non-personal references placed beside the values (legal texts, barcodes, products) that must stay in clear.

Written for this set only, before any recognizer change, and never edited to suit a recognizer. Placeholders:
``{name}`` (a full name), ``{surname}`` (after a title), ``{phone}``, ``{email}``, ``{address}``, ``{iban}``,
``{card}``, ``{nid}``, ``{vat}``, ``{plate}``, ``{cid}`` (an identifier after its label ``{cid_label}``), and the
decoys ``{brand}``, ``{product}``, ``{ref}``, ``{ean}``, ``{legal}``, ``{amount}``, ``{date}``, ``{town}``."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "fr": {"name": "Nom", "first": "Prénom", "phone": "Téléphone", "email": "Courriel", "address": "Adresse",
           "iban": "IBAN", "card": "Carte bancaire", "nid": "N° de sécurité sociale", "vat": "N° TVA",
           "plate": "Immatriculation", "siret": "SIRET", "siren": "SIREN", "birth": "Date de naissance"},
    "en": {"name": "Surname", "first": "First name", "phone": "Telephone", "email": "Email", "address": "Address",
           "iban": "IBAN", "card": "Card number", "nid": "National Insurance number", "vat": "VAT number",
           "plate": "Vehicle registration", "birth": "Date of birth"},
    "de": {"name": "Nachname", "first": "Vorname", "phone": "Telefon", "email": "E-Mail", "address": "Anschrift",
           "iban": "IBAN", "card": "Kreditkarte", "nid": "Ausweis", "vat": "USt-IdNr.", "plate": "Kennzeichen",
           "birth": "Geburtsdatum"},
    "es": {"name": "Apellidos", "first": "Nombre", "phone": "Teléfono", "email": "Correo electrónico",
           "address": "Dirección", "iban": "IBAN", "card": "Tarjeta", "nid": "DNI/NIE", "vat": "NIF/CIF",
           "plate": "Matrícula", "birth": "Fecha de nacimiento"},
    "it": {"name": "Cognome", "first": "Nome", "phone": "Telefono", "email": "Email", "address": "Indirizzo",
           "iban": "IBAN", "card": "Carta di credito", "nid": "Codice fiscale", "vat": "Partita IVA",
           "plate": "Targa", "birth": "Data di nascita"},
}  # fmt: skip
NID_LABELS = {"fr_BE": "Numéro de registre national", "fr_CH": "N° AVS"}
CID_LABELS: dict[str, tuple[str, ...]] = {
    "fr": ("Carte fidélité n°", "N° client", "Numéro d'adhérent", "Dossier n°", "Contrat n°", "Badge n°"),
    "en": ("Loyalty card no.", "Customer number", "Member ID", "Account no.", "Membership number"),
    "de": ("Kundennummer", "Mitgliedsnummer", "Kundenkarte Nr.", "Vertragsnummer"),
    "es": ("N.º de cliente", "Tarjeta de fidelización n.º", "Número de socio", "Contrato n.º"),
    "it": ("Codice cliente", "Tessera fedeltà n.", "Numero socio", "Contratto n."),
}
PROSE: dict[str, tuple[str, ...]] = {
    "fr": (
        "{title} {surname} a appelé le service client le {date} au sujet du {product} de {brand} (réf. {ref}).",
        "{name} ({cid_label} {cid}) conteste un prélèvement de {amount} sur sa carte {card}.",
        "Merci de rappeler {name} au {phone} ; son adresse de livraison est {address}.",
        "Le remboursement sera versé sur l'IBAN {iban} ouvert au nom de {name}.",
        "Conformément à {legal}, le dossier de {name} est conservé trois ans au magasin de {town}.",
        "Le véhicule immatriculé {plate} de {name} occupait la place de livraison ; code-barres du colis : {ean}.",
        "Pièce fournie par {name} : {nid_label} {nid}. Contact : {email}.",
        "Le fournisseur ({vat_label} {vat}) livrera {brand} à {town} le {date}.",
    ),
    "en": (
        "{title} {surname} called customer service on {date} about the {product} by {brand} (ref. {ref}).",
        "{name} ({cid_label} {cid}) disputes a {amount} charge on card {card}.",
        "Please call {name} back on {phone}; the delivery address is {address}.",
        "The refund goes to IBAN {iban} in the name of {name}.",
        "Under {legal}, the file of {name} is kept for three years at the {town} store.",
        "The car registered {plate} belonging to {name} blocked the loading bay; parcel barcode {ean}.",
        "Document supplied by {name}: {nid_label} {nid}. Contact: {email}.",
        "The supplier ({vat_label} {vat}) delivers {brand} to {town} on {date}.",
    ),
    "de": (
        "{title} {surname} hat am {date} wegen des Artikels {product} von {brand} (Art.-Nr. {ref}) angerufen.",
        "{name} ({cid_label} {cid}) beanstandet eine Belastung von {amount} auf der Karte {card}.",
        "Bitte {name} unter {phone} zurückrufen; Lieferanschrift: {address}.",
        "Die Erstattung geht auf das Konto IBAN {iban} von {name}.",
        "Gemäß {legal} wird die Akte von {name} drei Jahre in der Filiale {town} aufbewahrt.",
        "Das Fahrzeug mit dem Kennzeichen {plate} von {name} blockierte die Rampe; Barcode des Pakets: {ean}.",
        "Kontakt von {name}: {email}.",
        "Der Lieferant ({vat_label} {vat}) liefert {brand} am {date} nach {town}.",
    ),
    "es": (
        "{title} {surname} llamó al servicio de atención al cliente el {date} por el {product} de {brand} "
        "(ref. {ref}).",
        "{name} ({cid_label} {cid}) reclama un cargo de {amount} en la tarjeta {card}.",
        "Por favor, llame a {name} al {phone}; la dirección de entrega es {address}.",
        "El reembolso se abonará en el IBAN {iban} a nombre de {name}.",
        "Según el {legal}, el expediente de {name} se conserva tres años en la tienda de {town}.",
        "El coche con matrícula {plate} de {name} bloqueaba el muelle; código de barras del paquete: {ean}.",
        "Documento aportado por {name}: {nid_label} {nid}. Contacto: {email}.",
        "El proveedor ({vat_label} {vat}) entregará {brand} en {town} el {date}.",
    ),
    "it": (
        "{title} {surname} ha chiamato il servizio clienti il {date} per il {product} di {brand} (rif. {ref}).",
        "{name} ({cid_label} {cid}) contesta un addebito di {amount} sulla carta {card}.",
        "Richiamare {name} al {phone}; indirizzo di consegna: {address}.",
        "Il rimborso sarà accreditato sull'IBAN {iban} intestato a {name}.",
        "Ai sensi del {legal}, la pratica di {name} è conservata tre anni nel negozio di {town}.",
        "L'auto con targa {plate} di {name} bloccava la baia di carico; codice a barre del pacco: {ean}.",
        "Documento fornito da {name}: {nid_label} {nid}. Contatto: {email}.",
        "Il fornitore ({vat_label} {vat}) consegnerà {brand} a {town} il {date}.",
    ),
}
LEGAL: dict[str, tuple[str, ...]] = {
    "fr": ("l'article 2 du décret n° 2014-1061", "l'article L1234-5 du code du travail", "la loi n° 78-17",
           "l'article R. 4624-10", "l'arrêté du 3 mai 2023"),
    "en": ("the Data Protection Act 2018", "section 94 of the Employment Rights Act 1996", "Regulation (EU) 2016/679"),
    "de": ("§ 147 AO", "Art. 17 DSGVO", "der Verordnung (EU) 2016/679"),
    "es": ("Real Decreto 1720/2007", "artículo 17 del RGPD", "Ley Orgánica 3/2018"),
    "it": ("D.Lgs. 196/2003", "art. 2220 c.c.", "Regolamento (UE) 2016/679"),
}  # fmt: skip
EMAIL_WORDS: dict[str, dict[str, str]] = {
    "fr": {"from": "De", "to": "À", "subject": "Objet", "hello": "Bonjour,", "bye": "Cordialement,",
           "wrote": "Le {date}, {name} a écrit :", "topic": "Réclamation client"},
    "en": {"from": "From", "to": "To", "subject": "Subject", "hello": "Hello,", "bye": "Kind regards,",
           "wrote": "On {date}, {name} wrote:", "topic": "Customer complaint"},
    "de": {"from": "Von", "to": "An", "subject": "Betreff", "hello": "Guten Tag,", "bye": "Mit freundlichen Grüßen",
           "wrote": "Am {date} schrieb {name}:", "topic": "Kundenreklamation"},
    "es": {"from": "De", "to": "Para", "subject": "Asunto", "hello": "Hola:", "bye": "Un saludo,",
           "wrote": "El {date}, {name} escribió:", "topic": "Reclamación de cliente"},
    "it": {"from": "Da", "to": "A", "subject": "Oggetto", "hello": "Buongiorno,", "bye": "Cordiali saluti,",
           "wrote": "Il {date}, {name} ha scritto:", "topic": "Reclamo cliente"},
}  # fmt: skip
TITLES: dict[str, tuple[str, ...]] = {
    "fr": ("Fiche client", "Liste des contacts", "Suivi des réclamations", "Dossier"),
    "en": ("Customer record", "Contact list", "Complaints log", "File"),
    "de": ("Kundendatenblatt", "Kontaktliste", "Reklamationen", "Akte"),
    "es": ("Ficha de cliente", "Lista de contactos", "Registro de reclamaciones", "Expediente"),
    "it": ("Scheda cliente", "Elenco contatti", "Registro reclami", "Pratica"),
}
ROLES: dict[str, tuple[str, ...]] = {
    "fr": ("Responsable de magasin", "Conseillère de vente", "Service client"),
    "en": ("Store manager", "Sales adviser", "Customer service"),
    "de": ("Filialleiter", "Verkaufsberaterin", "Kundenservice"),
    "es": ("Jefe de tienda", "Asesora de ventas", "Atención al cliente"),
    "it": ("Responsabile del negozio", "Consulente di vendita", "Servizio clienti"),
}
