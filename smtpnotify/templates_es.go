package smtpnotify

import (
	"golang.org/x/text/language"

	"github.com/shopkit/customerauth"
)

// spanish is the built-in catalog in Spanish. It says "tú", as most online
// shops do in Spain and Latin America alike, avoids words one side would
// find odd, and greets with a colon, as Spanish letters do.
func spanish() *catalog {
	const once = "{{with .ValidFor}}El enlace solo funciona una vez y es válido durante {{.}}." +
		"{{else}}El enlace solo funciona una vez.{{end}}"
	const forgot = "«¿Olvidaste tu contraseña?»"
	return &catalog{
		tag:      language.Spanish,
		greeting: "{{if .FirstName}}Hola, {{.FirstName}}:{{else}}Hola:{{end}}",
		copyLink: "O copia este enlace en tu navegador:",
		units: units{
			day: "%d día", days: "%d días",
			hour: "%d hora", hours: "%d horas",
			minute: "%d minuto", minutes: "%d minutos",
		},
		messages: map[customerauth.NotificationKind]message{
			customerauth.NotifyWelcome: {
				subject: "Te damos la bienvenida a {{.ShopName}}",
				body: []paragraph{p("¡Te damos la bienvenida a {{.ShopName}}! Tu cuenta de cliente ya está " +
					"lista. Inicia sesión con {{.Email}} y tu contraseña para pagar más rápido y seguir tus pedidos.")},
			},
			customerauth.NotifyActivation: {
				subject: "Activa tu cuenta en {{.ShopName}}",
				body: []paragraph{p("Para activar tu cuenta en {{.ShopName}}, abre este enlace y elige tu " +
					"contraseña.")},
				button: "Activar mi cuenta",
				notes: []paragraph{p(once + " Quien lo tenga puede establecer la contraseña de tu cuenta, así " +
					"que no reenvíes este correo. Si no pediste una cuenta, ignóralo.")},
			},
			customerauth.NotifyPasswordReset: {
				subject: "Restablece tu contraseña de {{.ShopName}}",
				body: []paragraph{p("Alguien, esperamos que tú, ha pedido restablecer la contraseña de tu " +
					"cuenta en {{.ShopName}}. Para elegir una contraseña nueva, abre este enlace.")},
				button: "Restablecer mi contraseña",
				notes: []paragraph{p(once + " Quien lo tenga puede establecer tu contraseña, así que no " +
					"reenvíes este correo. Si no pediste una contraseña nueva, ignóralo: tu contraseña " +
					"seguirá siendo la misma.")},
			},
			customerauth.NotifyPasswordChanged: {
				subject: "Se ha cambiado tu contraseña de {{.ShopName}}",
				body: []paragraph{
					p("Se acaba de cambiar la contraseña de tu cuenta en {{.ShopName}} ({{.Email}}). " +
						"Si la cambiaste tú, no tienes que hacer nada más."),
					p("Si no fuiste tú, elige ahora mismo una contraseña nueva con " + forgot + " en la " +
						"página de inicio de sesión y avísanos."),
				},
			},
			customerauth.NotifyAccountExists: {
				subject: "Ya tienes una cuenta en {{.ShopName}}",
				body: []paragraph{p("Alguien ha intentado crear una cuenta en {{.ShopName}} con esta " +
					"dirección de correo ({{.Email}}), pero ya tienes una. Inicia sesión con tu contraseña o " +
					"elige una nueva con " + forgot + " en la página de inicio de sesión.")},
				notes: []paragraph{p("Si no fuiste tú, ignora este correo: tu cuenta no ha cambiado.")},
			},
			customerauth.NotifyEmailChanged: {
				subject: "Se ha cambiado la dirección de correo de tu cuenta de {{.ShopName}}",
				body: []paragraph{
					p("La dirección de correo de tu cuenta en {{.ShopName}} acaba de cambiar de {{.Email}} a " +
						"{{.MaskedNewEmail}}. A partir de ahora inicias sesión con la nueva dirección, y los " +
						"mensajes sobre tu cuenta, incluidos los enlaces para restablecer la contraseña, " +
						"llegan allí."),
					p("Si hiciste tú este cambio, no tienes que hacer nada más."),
					{lead: "Si no fuiste tú", text: ", puede que otra persona esté usando tu cuenta. Ponte en " +
						"contacto con {{.ShopName}} cuanto antes, desde esta dirección, para que se pueda " +
						"deshacer el cambio; elegir una contraseña nueva con " + forgot + " no serviría de " +
						"nada, porque el enlace llegaría a la nueva dirección."},
				},
			},
			customerauth.NotifyInvitation: {
				subject: "{{.ShopName}} tiene una nueva cuenta de cliente para ti",
				body: []paragraph{p("{{.ShopName}} ha trasladado su tienda online a una nueva plataforma y " +
					"tu cuenta de cliente ({{.Email}}) también se ha trasladado: tus datos y direcciones ya " +
					"están allí. Tu contraseña anterior no ha podido trasladarse, así que, para volver a " +
					"iniciar sesión, abre este enlace y elige una contraseña.")},
				button: "Elegir mi contraseña",
				notes: []paragraph{p(once + " Quien lo tenga puede establecer la contraseña de tu cuenta, así " +
					"que no reenvíes este correo. Si prefieres no tener cuenta, ignóralo: no pasará nada " +
					"mientras no abras el enlace, y podrás seguir comprando sin cuenta.")},
			},
		},
	}
}
