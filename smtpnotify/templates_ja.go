package smtpnotify

import (
	"golang.org/x/text/language"

	"github.com/shopkit/customerauth"
)

// japanese is the built-in catalog in Japanese, in the polite style
// (です・ます, with honorifics for the customer's actions) a shop uses
// with its customers. It addresses the customer by family name first, with
// 様, or as お客様 when no name is known. Sentences follow each other
// without spaces, and durations take no plural.
func japanese() *catalog {
	const once = "{{with .ValidFor}}このリンクは1回限り、{{.}}有効です。{{else}}このリンクは1回限り有効です。{{end}}"
	const forgot = "「パスワードをお忘れですか？」"
	return &catalog{
		tag: language.Japanese,
		greeting: "{{if .LastName}}{{.LastName}}{{if .FirstName}} {{.FirstName}}{{end}} 様" +
			"{{else if .FirstName}}{{.FirstName}} 様{{else}}お客様{{end}}",
		copyLink: "ボタンが機能しない場合は、次のリンクをコピーしてブラウザに貼り付けてください：",
		units: units{
			day: "%d日間", days: "%d日間",
			hour: "%d時間", hours: "%d時間",
			minute: "%d分間", minutes: "%d分間",
		},
		messages: map[customerauth.NotificationKind]message{
			customerauth.NotifyWelcome: {
				subject: "{{.ShopName}}へようこそ",
				body: []paragraph{p("{{.ShopName}}へようこそ！アカウントの登録が完了しました。" +
					"{{.Email}}とパスワードでログインすると、お買い物がよりスムーズになり、ご注文の状況も確認できます。")},
			},
			customerauth.NotifyActivation: {
				subject: "{{.ShopName}}のアカウントを有効化してください",
				body:    []paragraph{p("{{.ShopName}}のアカウントを有効化するには、次のリンクを開いてパスワードを設定してください。")},
				button:  "アカウントを有効化する",
				notes: []paragraph{p(once + "リンクを知っている人は誰でもアカウントのパスワードを設定できるため、" +
					"このメールは転送しないでください。アカウントの作成にお心当たりがない場合は、このメールを破棄してください。")},
			},
			customerauth.NotifyPasswordReset: {
				subject: "{{.ShopName}}のパスワード再設定",
				body: []paragraph{p("{{.ShopName}}のアカウントについて、パスワードの再設定のご依頼を受け付けました。" +
					"新しいパスワードを設定するには、次のリンクを開いてください。")},
				button: "パスワードを再設定する",
				notes: []paragraph{p(once + "リンクを知っている人は誰でもパスワードを設定できるため、" +
					"このメールは転送しないでください。パスワードの再設定をご依頼でない場合は、このメールを破棄してください。" +
					"パスワードは変更されません。")},
			},
			customerauth.NotifyPasswordChanged: {
				subject: "{{.ShopName}}のパスワードが変更されました",
				body: []paragraph{
					p("{{.ShopName}}のアカウント（{{.Email}}）のパスワードが変更されました。" +
						"ご自身で変更された場合は、特にご対応いただく必要はありません。"),
					p("お心当たりがない場合は、ログインページの" + forgot + "からすぐに新しいパスワードを設定し、" +
						"当店までご連絡ください。"),
				},
			},
			customerauth.NotifyAccountExists: {
				subject: "{{.ShopName}}のアカウントはすでに登録されています",
				body: []paragraph{p("このメールアドレス（{{.Email}}）で{{.ShopName}}のアカウントを作成しようとする" +
					"操作がありましたが、このアドレスのアカウントはすでに登録されています。パスワードでログインするか、" +
					"ログインページの" + forgot + "から新しいパスワードを設定してください。")},
				notes: []paragraph{p("お心当たりがない場合は、このメールを破棄してください。アカウントに変更はありません。")},
			},
			customerauth.NotifyEmailChanged: {
				subject: "{{.ShopName}}のアカウントのメールアドレスが変更されました",
				body: []paragraph{
					p("{{.ShopName}}のアカウントのメールアドレスが、{{.Email}}から{{.MaskedNewEmail}}に変更されました。" +
						"今後は新しいメールアドレスでログインしていただき、パスワード再設定のリンクを含むアカウントに関する" +
						"お知らせも、新しいアドレスにお送りします。"),
					p("ご自身で変更された場合は、特にご対応いただく必要はありません。"),
					{lead: "お心当たりがない場合は", text: "、第三者がアカウントを使用している可能性があります。" +
						"変更を取り消せるよう、このメールアドレスから{{.ShopName}}まで至急ご連絡ください。" +
						forgot + "から新しいパスワードを設定しようとしても、リンクは新しいアドレスに届くため、" +
						"解決にはなりません。"},
				},
			},
			customerauth.NotifyInvitation: {
				subject: "{{.ShopName}}の新しいアカウントのご案内",
				body: []paragraph{p("{{.ShopName}}はオンラインショップを新しいシステムに移行しました。" +
					"お客様のアカウント（{{.Email}}）も移行済みで、ご登録の情報やご住所はすでに引き継がれています。" +
					"ただし、以前のパスワードは引き継がれないため、再度ログインするには次のリンクを開いてパスワードを設定してください。")},
				button: "パスワードを設定する",
				notes: []paragraph{p(once + "リンクを知っている人は誰でもアカウントのパスワードを設定できるため、" +
					"このメールは転送しないでください。アカウントが不要な場合は、このメールを破棄してください。" +
					"リンクを開かない限り何も変わらず、これまでどおりゲストとしてお買い物いただけます。")},
			},
		},
	}
}
