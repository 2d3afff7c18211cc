package auth

import (
	"fmt"

	"passerelle/internal/access"
	"passerelle/internal/notify"
)

// invitationMail is the e-mail that lets an invited person choose a password.
func invitationMail(to, name string, inviter access.Actor, link string) notify.Mail {
	who := "L'équipe Passerelle"
	if inviter.Authenticated() && inviter.Name != "" {
		who = inviter.Name
	}
	return notify.Mail{
		To:      to,
		Subject: "Votre compte Passerelle",
		Text: fmt.Sprintf(`Bonjour %s,

%s vous a créé un compte sur Passerelle.

Pour choisir votre mot de passe et activer votre compte, ouvrez ce lien (valable 7 jours, une seule fois) :

%s

Si vous n'attendiez pas ce message, vous pouvez l'ignorer : aucun compte ne sera activé sans vous.

Passerelle
`, name, who, link),
	}
}

// resetMail is the e-mail that carries a password reset link.
func resetMail(to, name, link string) notify.Mail {
	return notify.Mail{
		To:      to,
		Subject: "Réinitialisation de votre mot de passe Passerelle",
		Text: fmt.Sprintf(`Bonjour %s,

Une réinitialisation du mot de passe de votre compte Passerelle a été demandée.

Pour choisir un nouveau mot de passe, ouvrez ce lien (valable 1 heure, une seule fois) :

%s

Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe actuel reste valable.

Passerelle
`, name, link),
	}
}
