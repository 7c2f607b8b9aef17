package customerauth

// translationOf returns the catalog entry whose English text is english:
// every message format given to userErr and every term, in French,
// German, Spanish, Italian, Dutch, Portuguese and Japanese. It is a switch
// rather than a map so that the catalog is constant, costs nothing to set
// up and is shared by every Service.
//
// How the entries are written:
//   - the verbs (%s, %d) are those of the English text, in its order;
//   - a term fills a %s inside quotes, after the word for "field" where
//     the language needs it ("Le champ « Prénom » est trop long"), so that
//     no adjective has to agree with a term it cannot see;
//   - French puts a no-break space (\u00a0) inside « » and before : and ;
//   - the shopper is addressed as shops in each language usually do:
//     vous, Sie, tú, tu, je, você (in words that read well in Portugal
//     too: PT_BR and PT_PT both get this Portuguese).
func translationOf(english string) (translation, bool) {
	switch english {
	// Email.
	case "Email can't be blank":
		return translation{
			fr: "L’adresse e-mail ne peut pas être vide",
			de: "Die E-Mail-Adresse darf nicht leer sein",
			es: "El correo electrónico no puede estar vacío",
			it: "L’indirizzo email non può essere vuoto",
			nl: "Het e-mailadres mag niet leeg zijn",
			pt: "O e-mail não pode ficar em branco",
			ja: "メールアドレスを入力してください",
		}, true
	case "Email is too long (maximum is %d characters)":
		return translation{
			fr: "L’adresse e-mail est trop longue (%d caractères maximum)",
			de: "Die E-Mail-Adresse ist zu lang (maximal %d Zeichen)",
			es: "El correo electrónico es demasiado largo (máximo %d caracteres)",
			it: "L’indirizzo email è troppo lungo (massimo %d caratteri)",
			nl: "Het e-mailadres is te lang (maximaal %d tekens)",
			pt: "O e-mail pode ter no máximo %d caracteres",
			ja: "メールアドレスは%d文字以内で入力してください",
		}, true
	case "Email is invalid":
		return translation{
			fr: "L’adresse e-mail n’est pas valide",
			de: "Die E-Mail-Adresse ist ungültig",
			es: "El correo electrónico no es válido",
			it: "L’indirizzo email non è valido",
			nl: "Het e-mailadres is ongeldig",
			pt: "O e-mail não é válido",
			ja: "メールアドレスが正しくありません",
		}, true
	case "Email contains an invalid domain name":
		return translation{
			fr: "Le nom de domaine de l’adresse e-mail n’est pas valide",
			de: "Die E-Mail-Adresse enthält einen ungültigen Domainnamen",
			es: "El correo electrónico contiene un nombre de dominio no válido",
			it: "L’indirizzo email contiene un nome di dominio non valido",
			nl: "Het e-mailadres bevat een ongeldige domeinnaam",
			pt: "O e-mail contém um nome de domínio inválido",
			ja: "メールアドレスのドメイン名が正しくありません",
		}, true
	case "Email has already been taken":
		return translation{
			fr: "Cette adresse e-mail est déjà utilisée",
			de: "Diese E-Mail-Adresse wird bereits verwendet",
			es: "Este correo electrónico ya está en uso",
			it: "Questo indirizzo email è già in uso",
			nl: "Dit e-mailadres is al in gebruik",
			pt: "Este e-mail já está em uso",
			ja: "このメールアドレスはすでに使用されています",
		}, true
	case "We have sent an email to %s, please click the link included to verify your email address.":
		return translation{
			fr: "Nous avons envoyé un e-mail à %s. Cliquez sur le lien qu’il contient pour confirmer votre adresse e-mail.",
			de: "Wir haben eine E-Mail an %s gesendet. Bitte klicken Sie auf den darin enthaltenen Link, um Ihre E-Mail-Adresse zu bestätigen.",
			es: "Hemos enviado un correo electrónico a %s. Haz clic en el enlace que contiene para verificar tu dirección de correo electrónico.",
			it: "Abbiamo inviato un’email a %s. Fai clic sul link che contiene per verificare il tuo indirizzo email.",
			nl: "We hebben een e-mail gestuurd naar %s. Klik op de link in die e-mail om je e-mailadres te bevestigen.",
			pt: "Enviamos um e-mail para %s. Clique no link que ele contém para confirmar o seu endereço de e-mail.",
			ja: "%s 宛てにメールを送信しました。メールに記載されたリンクをクリックして、メールアドレスを確認してください。",
		}, true

	// Phone.
	case "Phone is invalid":
		return translation{
			fr: "Le numéro de téléphone n’est pas valide",
			de: "Die Telefonnummer ist ungültig",
			es: "El número de teléfono no es válido",
			it: "Il numero di telefono non è valido",
			nl: "Het telefoonnummer is ongeldig",
			pt: "O número de telefone não é válido",
			ja: "電話番号が正しくありません",
		}, true
	case "Phone has already been taken":
		return translation{
			fr: "Ce numéro de téléphone est déjà utilisé",
			de: "Diese Telefonnummer wird bereits verwendet",
			es: "Este número de teléfono ya está en uso",
			it: "Questo numero di telefono è già in uso",
			nl: "Dit telefoonnummer is al in gebruik",
			pt: "Este número de telefone já está em uso",
			ja: "この電話番号はすでに使用されています",
		}, true

	// Password.
	case "Password can't be blank":
		return translation{
			fr: "Le mot de passe ne peut pas être vide",
			de: "Das Passwort darf nicht leer sein",
			es: "La contraseña no puede estar vacía",
			it: "La password non può essere vuota",
			nl: "Het wachtwoord mag niet leeg zijn",
			pt: "A senha não pode ficar em branco",
			ja: "パスワードを入力してください",
		}, true
	case "Password is invalid":
		return translation{
			fr: "Le mot de passe n’est pas valide",
			de: "Das Passwort ist ungültig",
			es: "La contraseña no es válida",
			it: "La password non è valida",
			nl: "Het wachtwoord is ongeldig",
			pt: "A senha não é válida",
			ja: "パスワードが正しくありません",
		}, true
	case "Password cannot start or end with whitespace":
		return translation{
			fr: "Le mot de passe ne peut ni commencer ni se terminer par un espace",
			de: "Das Passwort darf nicht mit einem Leerzeichen beginnen oder enden",
			es: "La contraseña no puede empezar ni terminar con un espacio",
			it: "La password non può iniziare o terminare con uno spazio",
			nl: "Het wachtwoord mag niet met een spatie beginnen of eindigen",
			pt: "A senha não pode começar nem terminar com um espaço",
			ja: "パスワードの先頭と末尾に空白は使用できません",
		}, true
	case "Password is too short (minimum is %d characters)":
		return translation{
			fr: "Le mot de passe est trop court (%d caractères minimum)",
			de: "Das Passwort ist zu kurz (mindestens %d Zeichen)",
			es: "La contraseña es demasiado corta (mínimo %d caracteres)",
			it: "La password è troppo corta (minimo %d caratteri)",
			nl: "Het wachtwoord is te kort (minimaal %d tekens)",
			pt: "A senha precisa ter pelo menos %d caracteres",
			ja: "パスワードは%d文字以上で入力してください",
		}, true
	case "Password is too long (maximum is %d characters)":
		return translation{
			fr: "Le mot de passe est trop long (%d caractères maximum)",
			de: "Das Passwort ist zu lang (maximal %d Zeichen)",
			es: "La contraseña es demasiado larga (máximo %d caracteres)",
			it: "La password è troppo lunga (massimo %d caratteri)",
			nl: "Het wachtwoord is te lang (maximaal %d tekens)",
			pt: "A senha pode ter no máximo %d caracteres",
			ja: "パスワードは%d文字以内で入力してください",
		}, true
	case "Password is one of the most commonly used passwords. Choose one that is harder to guess.":
		return translation{
			fr: "Ce mot de passe fait partie des plus utilisés. Choisissez-en un plus difficile à deviner.",
			de: "Dieses Passwort gehört zu den am häufigsten verwendeten. Wählen Sie eines, das schwerer zu erraten ist.",
			es: "Esta contraseña es una de las más utilizadas. Elige una que sea más difícil de adivinar.",
			it: "Questa password è tra le più usate. Scegline una più difficile da indovinare.",
			nl: "Dit wachtwoord is een van de meest gebruikte. Kies er een die moeilijker te raden is.",
			pt: "Esta senha está entre as mais usadas. Escolha uma que seja mais difícil de adivinhar.",
			ja: "このパスワードはよく使われているものです。推測されにくいパスワードを選んでください。",
		}, true

	// Any field, named by a term.
	case "%s is too long (maximum is %d characters)":
		return translation{
			fr: "Le champ «\u00a0%s\u00a0» est trop long (%d caractères maximum)",
			de: "Das Feld „%s“ ist zu lang (maximal %d Zeichen)",
			es: "El campo «%s» es demasiado largo (máximo %d caracteres)",
			it: "Il campo «%s» è troppo lungo (massimo %d caratteri)",
			nl: "Het veld ‘%s’ is te lang (maximaal %d tekens)",
			pt: "O campo “%s” pode ter no máximo %d caracteres",
			ja: "「%s」は%d文字以内で入力してください",
		}, true
	case "%s is not valid UTF-8":
		return translation{
			fr: "Le champ «\u00a0%s\u00a0» ne contient pas du texte UTF-8 valide",
			de: "Das Feld „%s“ enthält keinen gültigen UTF-8-Text",
			es: "El campo «%s» no contiene texto UTF-8 válido",
			it: "Il campo «%s» non contiene testo UTF-8 valido",
			nl: "Het veld ‘%s’ bevat geen geldige UTF-8-tekst",
			pt: "O campo “%s” não contém texto UTF-8 válido",
			ja: "「%s」が有効なUTF-8の文字列ではありません",
		}, true
	case "%s cannot contain NUL characters":
		return translation{
			fr: "Le champ «\u00a0%s\u00a0» ne peut pas contenir de caractère NUL",
			de: "Das Feld „%s“ darf keine NUL-Zeichen enthalten",
			es: "El campo «%s» no puede contener caracteres NUL",
			it: "Il campo «%s» non può contenere caratteri NUL",
			nl: "Het veld ‘%s’ mag geen NUL-tekens bevatten",
			pt: "O campo “%s” não pode conter caracteres NUL",
			ja: "「%s」にNUL文字は使用できません",
		}, true
	case "%s cannot contain control characters, line or paragraph separators, or text direction marks":
		return translation{
			fr: "Le champ «\u00a0%s\u00a0» ne peut contenir ni caractères de contrôle, ni séparateurs de ligne ou de paragraphe, ni marques de sens d’écriture",
			de: "Das Feld „%s“ darf keine Steuerzeichen, Zeilen- oder Absatztrenner und keine Schreibrichtungszeichen enthalten",
			es: "El campo «%s» no puede contener caracteres de control, separadores de línea o de párrafo ni marcas de dirección del texto",
			it: "Il campo «%s» non può contenere caratteri di controllo, separatori di riga o di paragrafo né segni di direzione del testo",
			nl: "Het veld ‘%s’ mag geen stuurtekens, regel- of alineascheidingstekens of tekens voor de schrijfrichting bevatten",
			pt: "O campo “%s” não pode conter caracteres não imprimíveis, separadores de linha ou de parágrafo nem marcas de direção do texto",
			ja: "「%s」に制御文字、改行・段落区切り文字、文字方向を指定する記号は使用できません",
		}, true
	case "%s cannot contain HTML tags":
		return translation{
			fr: "Le champ «\u00a0%s\u00a0» ne peut pas contenir de balises HTML",
			de: "Das Feld „%s“ darf keine HTML-Tags enthalten",
			es: "El campo «%s» no puede contener etiquetas HTML",
			it: "Il campo «%s» non può contenere tag HTML",
			nl: "Het veld ‘%s’ mag geen HTML-tags bevatten",
			pt: "O campo “%s” não pode conter tags HTML",
			ja: "「%s」にHTMLタグは使用できません",
		}, true
	case "%s cannot contain URL":
		return translation{
			fr: "Le champ «\u00a0%s\u00a0» ne peut pas contenir d’adresse web",
			de: "Das Feld „%s“ darf keine Webadresse enthalten",
			es: "El campo «%s» no puede contener direcciones web",
			it: "Il campo «%s» non può contenere indirizzi web",
			nl: "Het veld ‘%s’ mag geen webadres bevatten",
			pt: "O campo “%s” não pode conter endereços da web",
			ja: "「%s」にURLは使用できません",
		}, true

	// Logging in, activating, resetting.
	case "Unidentified customer":
		return translation{
			fr: "Impossible d’identifier le client",
			de: "Der Kunde konnte nicht identifiziert werden",
			es: "No se pudo identificar al cliente",
			it: "Impossibile identificare il cliente",
			nl: "De klant kon niet worden geïdentificeerd",
			pt: "Não foi possível identificar o cliente",
			ja: "お客様を確認できませんでした",
		}, true
	case "Could not find customer":
		return translation{
			fr: "Impossible de trouver le client",
			de: "Der Kunde konnte nicht gefunden werden",
			es: "No se pudo encontrar al cliente",
			it: "Impossibile trovare il cliente",
			nl: "De klant kon niet worden gevonden",
			pt: "Não foi possível encontrar o cliente",
			ja: "お客様が見つかりませんでした",
		}, true
	case "Activation URL is invalid":
		return translation{
			fr: "Le lien d’activation n’est pas valide",
			de: "Der Aktivierungslink ist ungültig",
			es: "El enlace de activación no es válido",
			it: "Il link di attivazione non è valido",
			nl: "De activeringslink is ongeldig",
			pt: "O link de ativação não é válido",
			ja: "アカウント有効化用のURLが正しくありません",
		}, true
	case "Reset URL is invalid":
		return translation{
			fr: "Le lien de réinitialisation n’est pas valide",
			de: "Der Link zum Zurücksetzen des Passworts ist ungültig",
			es: "El enlace para restablecer la contraseña no es válido",
			it: "Il link per reimpostare la password non è valido",
			nl: "De link om je wachtwoord opnieuw in te stellen is ongeldig",
			pt: "O link de redefinição de senha não é válido",
			ja: "パスワード再設定用のURLが正しくありません",
		}, true
	case "Invalid activation token":
		return translation{
			fr: "Le jeton d’activation n’est pas valide",
			de: "Das Aktivierungstoken ist ungültig",
			es: "El token de activación no es válido",
			it: "Il token di attivazione non è valido",
			nl: "Het activeringstoken is ongeldig",
			pt: "O token de ativação não é válido",
			ja: "アカウント有効化用のトークンが無効です",
		}, true
	case "Invalid reset token":
		return translation{
			fr: "Le jeton de réinitialisation n’est pas valide",
			de: "Das Token zum Zurücksetzen des Passworts ist ungültig",
			es: "El token para restablecer la contraseña no es válido",
			it: "Il token per reimpostare la password non è valido",
			nl: "Het token om je wachtwoord opnieuw in te stellen is ongeldig",
			pt: "O token de redefinição de senha não é válido",
			ja: "パスワード再設定用のトークンが無効です",
		}, true
	case "Customer already enabled":
		return translation{
			fr: "Ce compte client est déjà activé",
			de: "Das Kundenkonto ist bereits aktiviert",
			es: "La cuenta del cliente ya está activada",
			it: "L’account cliente è già attivo",
			nl: "Het klantaccount is al geactiveerd",
			pt: "A conta do cliente já está ativada",
			ja: "このアカウントはすでに有効になっています",
		}, true
	case "Invalid multipass request":
		return translation{
			fr: "Requête Multipass non valide",
			de: "Ungültige Multipass-Anfrage",
			es: "Solicitud de Multipass no válida",
			it: "Richiesta Multipass non valida",
			nl: "Ongeldig Multipass-verzoek",
			pt: "Solicitação de Multipass inválida",
			ja: "Multipassのリクエストが無効です",
		}, true

	// Addresses.
	case "A customer can have at most %d addresses.":
		return translation{
			fr: "Un client peut avoir au maximum %d adresses.",
			de: "Ein Kunde kann höchstens %d Adressen haben.",
			es: "Un cliente puede tener como máximo %d direcciones.",
			it: "Un cliente può avere al massimo %d indirizzi.",
			nl: "Een klant kan maximaal %d adressen hebben.",
			pt: "Um cliente pode ter no máximo %d endereços.",
			ja: "登録できる住所は%d件までです。",
		}, true
	case "Address does not exist":
		return translation{
			fr: "Cette adresse n’existe pas",
			de: "Diese Adresse existiert nicht",
			es: "La dirección no existe",
			it: "L’indirizzo non esiste",
			nl: "Dit adres bestaat niet",
			pt: "O endereço não existe",
			ja: "この住所は存在しません",
		}, true
	case "Address can't be blank: give at least a street, city, postal code, region or country":
		return translation{
			fr: "L’adresse ne peut pas être vide\u00a0: indiquez au moins une rue, une ville, un code postal, une région ou un pays",
			de: "Die Adresse darf nicht leer sein: Geben Sie mindestens Straße, Ort, Postleitzahl, Region oder Land an",
			es: "La dirección no puede estar vacía: indica al menos una calle, ciudad, código postal, región o país",
			it: "L’indirizzo non può essere vuoto: indica almeno via, città, CAP, regione o paese",
			nl: "Het adres mag niet leeg zijn: geef ten minste een straat, plaats, postcode, regio of land op",
			pt: "O endereço não pode ficar em branco: indique pelo menos rua, cidade, código postal, região ou país",
			ja: "住所を入力してください。番地、市区町村、郵便番号、都道府県・地域、国のいずれかが必要です",
		}, true
	case "Country is not a country name or code we know":
		return translation{
			fr: "Ce pays ne correspond à aucun nom ni code de pays connu",
			de: "Das Land ist weder ein bekannter Ländername noch ein bekannter Ländercode",
			es: "El país no es un nombre ni un código de país conocido",
			it: "Il paese non corrisponde a nessun nome o codice di paese conosciuto",
			nl: "Het land is geen bekende landnaam of landcode",
			pt: "O país não corresponde a nenhum nome ou código de país conhecido",
			ja: "国名または国コードを認識できません",
		}, true
	case "Province is not a state or province of %s":
		return translation{
			fr: "Cette région n’est ni un État ni une province du pays «\u00a0%s\u00a0»",
			de: "Die Region ist weder ein Bundesstaat noch eine Provinz des Landes „%s“",
			es: "La región no es un estado ni una provincia del país «%s»",
			it: "La regione non è uno stato né una provincia del paese «%s»",
			nl: "De regio is geen staat of provincie van het land ‘%s’",
			pt: "A região não é um estado nem uma província do país “%s”",
			ja: "指定された都道府県・州は「%s」にありません",
		}, true
	case "Country code is invalid":
		return translation{
			fr: "Le code pays n’est pas valide",
			de: "Der Ländercode ist ungültig",
			es: "El código de país no es válido",
			it: "Il codice paese non è valido",
			nl: "De landcode is ongeldig",
			pt: "O código do país não é válido",
			ja: "国コードが正しくありません",
		}, true
	case "An address id is used twice or by another customer":
		return translation{
			fr: "Un identifiant d’adresse est utilisé deux fois ou par un autre client",
			de: "Eine Adress-ID wird doppelt oder von einem anderen Kunden verwendet",
			es: "Un ID de dirección está repetido o lo usa otro cliente",
			it: "Un ID indirizzo è ripetuto o usato da un altro cliente",
			nl: "Een adres-ID komt twee keer voor of wordt door een andere klant gebruikt",
			pt: "Um ID de endereço está repetido ou é usado por outro cliente",
			ja: "住所IDが重複しているか、別のお客様に使用されています",
		}, true

	// The shop's own operations: admin, import, Multipass identifiers.
	case "Customer not found":
		return translation{
			fr: "Client introuvable",
			de: "Kunde nicht gefunden",
			es: "Cliente no encontrado",
			it: "Cliente non trovato",
			nl: "Klant niet gevonden",
			pt: "Cliente não encontrado",
			ja: "お客様が見つかりません",
		}, true
	case "Customer has no password; send an invitation instead":
		return translation{
			fr: "Ce client n’a pas de mot de passe\u00a0; envoyez-lui plutôt une invitation",
			de: "Der Kunde hat kein Passwort; senden Sie stattdessen eine Einladung",
			es: "El cliente no tiene contraseña; envíale una invitación en su lugar",
			it: "Il cliente non ha una password; invia invece un invito",
			nl: "De klant heeft geen wachtwoord; stuur in plaats daarvan een uitnodiging",
			pt: "O cliente não tem senha; envie um convite em vez disso",
			ja: "このお客様にはパスワードがありません。代わりに招待を送信してください",
		}, true
	case "Identifier has already been taken":
		return translation{
			fr: "Cet identifiant est déjà utilisé",
			de: "Diese Kennung wird bereits verwendet",
			es: "Este identificador ya está en uso",
			it: "Questo identificatore è già in uso",
			nl: "Deze ID is al in gebruik",
			pt: "Este identificador já está em uso",
			ja: "この識別子はすでに使用されています",
		}, true
	case "Email repeats line %d":
		return translation{
			fr: "Cette adresse e-mail figure déjà à la ligne %d",
			de: "Die E-Mail-Adresse steht bereits in Zeile %d",
			es: "El correo electrónico ya aparece en la línea %d",
			it: "L’indirizzo email compare già alla riga %d",
			nl: "Het e-mailadres staat al op regel %d",
			pt: "O e-mail já aparece na linha %d",
			ja: "メールアドレスが%d行目と重複しています",
		}, true
	case "Customer ID must be 1 to 64 letters, digits, '-' or '_'":
		return translation{
			fr: "L’identifiant client doit compter de 1 à 64 caractères parmi les lettres, les chiffres, «\u00a0-\u00a0» et «\u00a0_\u00a0»",
			de: "Die Kunden-ID muss aus 1 bis 64 Buchstaben, Ziffern, „-“ oder „_“ bestehen",
			es: "El ID de cliente debe tener de 1 a 64 letras, dígitos, «-» o «_»",
			it: "L’ID cliente deve avere da 1 a 64 caratteri tra lettere, cifre, «-» e «_»",
			nl: "De klant-ID moet bestaan uit 1 tot 64 letters, cijfers, ‘-’ of ‘_’",
			pt: "O ID do cliente deve ter de 1 a 64 letras, dígitos, “-” ou “_”",
			ja: "顧客IDは1〜64文字の英数字、「-」、「_」で指定してください",
		}, true
	case "Customer ID %s is taken":
		return translation{
			fr: "L’identifiant client %s est déjà utilisé",
			de: "Die Kunden-ID %s wird bereits verwendet",
			es: "El ID de cliente %s ya está en uso",
			it: "L’ID cliente %s è già in uso",
			nl: "Klant-ID %s is al in gebruik",
			pt: "O ID de cliente %s já está em uso",
			ja: "顧客ID %s はすでに使用されています",
		}, true
	case "Email belongs to another customer (%s); the record names customer %s":
		return translation{
			fr: "L’adresse e-mail appartient à un autre client (%s)\u00a0; l’enregistrement désigne le client %s",
			de: "Die E-Mail-Adresse gehört einem anderen Kunden (%s); der Datensatz nennt den Kunden %s",
			es: "El correo electrónico pertenece a otro cliente (%s); el registro indica el cliente %s",
			it: "L’indirizzo email appartiene a un altro cliente (%s); il record indica il cliente %s",
			nl: "Het e-mailadres hoort bij een andere klant (%s); het record noemt klant %s",
			pt: "O e-mail pertence a outro cliente (%s); os dados importados indicam o cliente %s",
			ja: "このメールアドレスは別のお客様（%s）のものです。レコードで指定されたお客様は%sです",
		}, true
	case "Password hash: %s":
		return translation{
			fr: "Empreinte du mot de passe\u00a0: %s",
			de: "Passwort-Hash: %s",
			es: "Hash de la contraseña: %s",
			it: "Hash della password: %s",
			nl: "Wachtwoordhash: %s",
			pt: "Hash da senha: %s",
			ja: "パスワードハッシュ: %s",
		}, true
	case "A customer can have at most %d tags":
		return translation{
			fr: "Un client peut avoir au maximum %d balises",
			de: "Ein Kunde kann höchstens %d Tags haben",
			es: "Un cliente puede tener como máximo %d etiquetas",
			it: "Un cliente può avere al massimo %d tag",
			nl: "Een klant kan maximaal %d tags hebben",
			pt: "Um cliente pode ter no máximo %d tags",
			ja: "お客様に付けられるタグは%d個までです",
		}, true
	case "Language is not a language code we know":
		return translation{
			fr: "Cette langue ne correspond à aucun code de langue connu",
			de: "Die Sprache ist kein bekannter Sprachcode",
			es: "El idioma no es un código de idioma conocido",
			it: "La lingua non corrisponde a nessun codice lingua conosciuto",
			nl: "De taal is geen bekende taalcode",
			pt: "O idioma não corresponde a nenhum código de idioma conhecido",
			ja: "言語コードを認識できません",
		}, true

	// Terms: the names of fields, as messages quote them.
	case "Email":
		return translation{fr: "Adresse e-mail", de: "E-Mail-Adresse", es: "Correo electrónico", it: "Indirizzo email", nl: "E-mailadres", pt: "E-mail", ja: "メールアドレス"}, true
	case "Password":
		return translation{fr: "Mot de passe", de: "Passwort", es: "Contraseña", it: "Password", nl: "Wachtwoord", pt: "Senha", ja: "パスワード"}, true
	case "First name":
		return translation{fr: "Prénom", de: "Vorname", es: "Nombre", it: "Nome", nl: "Voornaam", pt: "Nome", ja: "名"}, true
	case "Last name":
		return translation{fr: "Nom", de: "Nachname", es: "Apellidos", it: "Cognome", nl: "Achternaam", pt: "Sobrenome", ja: "姓"}, true
	case "Phone":
		return translation{fr: "Téléphone", de: "Telefon", es: "Teléfono", it: "Telefono", nl: "Telefoonnummer", pt: "Telefone", ja: "電話番号"}, true
	case "Company":
		return translation{fr: "Entreprise", de: "Firma", es: "Empresa", it: "Azienda", nl: "Bedrijf", pt: "Empresa", ja: "会社名"}, true
	case "Address1":
		return translation{fr: "Adresse", de: "Straße und Hausnummer", es: "Dirección", it: "Indirizzo", nl: "Adres", pt: "Endereço", ja: "住所"}, true
	case "Address2":
		return translation{fr: "Complément d’adresse", de: "Adresszusatz", es: "Dirección (línea 2)", it: "Indirizzo (riga 2)", nl: "Adres (regel 2)", pt: "Complemento", ja: "建物名・部屋番号など"}, true
	case "City":
		return translation{fr: "Ville", de: "Ort", es: "Ciudad", it: "Città", nl: "Plaats", pt: "Cidade", ja: "市区町村"}, true
	case "Province":
		return translation{fr: "Région", de: "Region", es: "Provincia", it: "Provincia", nl: "Provincie", pt: "Região", ja: "都道府県・州"}, true
	case "Province code":
		return translation{fr: "Code de région", de: "Regionscode", es: "Código de provincia", it: "Codice provincia", nl: "Provinciecode", pt: "Código da região", ja: "都道府県・州コード"}, true
	case "Country":
		return translation{fr: "Pays", de: "Land", es: "País", it: "Paese", nl: "Land", pt: "País", ja: "国"}, true
	case "Country code":
		return translation{fr: "Code pays", de: "Ländercode", es: "Código de país", it: "Codice paese", nl: "Landcode", pt: "Código do país", ja: "国コード"}, true
	case "Zip":
		return translation{fr: "Code postal", de: "Postleitzahl", es: "Código postal", it: "CAP", nl: "Postcode", pt: "Código postal", ja: "郵便番号"}, true
	case "Address id":
		return translation{fr: "Identifiant d’adresse", de: "Adress-ID", es: "ID de dirección", it: "ID indirizzo", nl: "Adres-ID", pt: "ID do endereço", ja: "住所ID"}, true
	case "Tag":
		return translation{fr: "Balise", de: "Tag", es: "Etiqueta", it: "Tag", nl: "Tag", pt: "Tag", ja: "タグ"}, true
	case "Note":
		return translation{fr: "Note", de: "Notiz", es: "Nota", it: "Nota", nl: "Notitie", pt: "Observação", ja: "メモ"}, true
	case "Customer ID":
		return translation{fr: "Identifiant client", de: "Kunden-ID", es: "ID de cliente", it: "ID cliente", nl: "Klant-ID", pt: "ID do cliente", ja: "顧客ID"}, true
	case "Password hash":
		return translation{fr: "Empreinte du mot de passe", de: "Passwort-Hash", es: "Hash de la contraseña", it: "Hash della password", nl: "Wachtwoordhash", pt: "Hash da senha", ja: "パスワードハッシュ"}, true
	case "Identifier":
		return translation{fr: "Identifiant", de: "Kennung", es: "Identificador", it: "Identificatore", nl: "ID", pt: "Identificador", ja: "識別子"}, true
	case "Tag string":
		return translation{fr: "Liste de balises", de: "Tag-Liste", es: "Lista de etiquetas", it: "Elenco di tag", nl: "Taglijst", pt: "Lista de tags", ja: "タグ文字列"}, true
	case "Return to":
		return translation{fr: "Page de retour", de: "Rücksprungadresse", es: "Página de retorno", it: "Pagina di ritorno", nl: "Terugkeerpagina", pt: "Página de retorno", ja: "戻り先"}, true
	case "Remote IP":
		return translation{fr: "Adresse IP distante", de: "Entfernte IP-Adresse", es: "IP remota", it: "IP remoto", nl: "Extern IP-adres", pt: "IP remoto", ja: "リモートIP"}, true
	}
	return translation{}, false
}
