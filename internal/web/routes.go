package web

import "net/http"

// apiRoute is one registered API operation; the OpenAPI test compares this
// list with the document.
type apiRoute struct {
	Method, Path string
}

func (s *Server) routes() {
	m := http.NewServeMux()
	s.mux = m
	// Login and account recovery.
	m.HandleFunc("GET /connexion", s.public(s.loginForm))
	m.HandleFunc("POST /connexion", s.public(s.loginSubmit))
	m.HandleFunc("GET /connexion/code", s.public(s.loginCodeForm))
	m.HandleFunc("POST /connexion/code", s.public(s.loginCodeSubmit))
	m.HandleFunc("GET /connexion/double-authentification", s.public(s.enrolForm))
	m.HandleFunc("POST /connexion/double-authentification", s.public(s.enrolSubmit))
	m.HandleFunc("POST /deconnexion", s.public(s.logout))
	m.HandleFunc("GET /mot-de-passe/oublie", s.public(s.forgotForm))
	m.HandleFunc("POST /mot-de-passe/oublie", s.public(s.forgotSubmit))
	m.HandleFunc("GET /mot-de-passe/reinitialiser/{token}", s.public(s.resetForm))
	m.HandleFunc("POST /mot-de-passe/reinitialiser/{token}", s.public(s.resetSubmit))
	m.HandleFunc("GET /invitation/{token}", s.public(s.invitationForm))
	m.HandleFunc("POST /invitation/{token}", s.public(s.invitationSubmit))

	// Pages for logged-in accounts.
	m.HandleFunc("GET /{$}", s.page(s.home))
	m.HandleFunc("GET /compte", s.page(s.accountPage))
	m.HandleFunc("POST /compte/nom", s.page(s.accountName))
	m.HandleFunc("POST /compte/courriels", s.page(s.accountMail))
	m.HandleFunc("POST /compte/mot-de-passe", s.page(s.accountPassword))
	m.HandleFunc("GET /compte/double-authentification", s.page(s.accountTOTPForm))
	m.HandleFunc("POST /compte/double-authentification", s.page(s.accountTOTPSubmit))
	m.HandleFunc("POST /compte/double-authentification/desactiver", s.page(s.accountTOTPDisable))
	m.HandleFunc("POST /compte/jetons", s.page(s.accountTokenCreate))
	m.HandleFunc("POST /compte/jetons/{id}/revoquer", s.page(s.accountTokenRevoke))
	m.HandleFunc("GET /communes/suggestions", s.page(s.communeSuggestions))
	m.HandleFunc("GET /notifications", s.page(s.notificationsList))
	m.HandleFunc("POST /notifications/lu", s.page(s.notificationsRead))
	m.HandleFunc("GET /notifications/{id}", s.page(s.notificationOpen))

	// The directory.
	m.HandleFunc("GET /annuaire", s.page(s.dirSearch))
	m.HandleFunc("GET /annuaire/export.csv", s.page(s.dirExport("csv")))
	m.HandleFunc("GET /annuaire/export.xlsx", s.page(s.dirExport("xlsx")))
	m.HandleFunc("GET /annuaire/nouvelle", s.page(s.dirNewForm))
	m.HandleFunc("POST /annuaire/nouvelle", s.page(s.dirSave))
	m.HandleFunc("GET /annuaire/{id}", s.page(s.dirView))
	m.HandleFunc("GET /annuaire/{id}/modifier", s.page(s.dirEditForm))
	m.HandleFunc("POST /annuaire/{id}/modifier", s.page(s.dirSave))
	m.HandleFunc("POST /annuaire/{id}/verification", s.page(s.dirCheck))
	m.HandleFunc("GET /annuaire/{id}/offres/nouvelle", s.page(s.offerForm))
	m.HandleFunc("POST /annuaire/{id}/offres/nouvelle", s.page(s.offerSave))
	m.HandleFunc("GET /annuaire/{id}/offres/{part}", s.page(s.offerForm))
	m.HandleFunc("POST /annuaire/{id}/offres/{part}", s.page(s.offerSave))
	m.HandleFunc("POST /annuaire/{id}/offres/{part}/suppression", s.page(s.offerDelete))
	m.HandleFunc("GET /annuaire/{id}/contacts/nouveau", s.page(s.contactForm))
	m.HandleFunc("POST /annuaire/{id}/contacts/nouveau", s.page(s.contactSave))
	m.HandleFunc("GET /annuaire/{id}/contacts/{part}", s.page(s.contactForm))
	m.HandleFunc("POST /annuaire/{id}/contacts/{part}", s.page(s.contactSave))
	m.HandleFunc("POST /annuaire/{id}/contacts/{part}/suppression", s.page(s.contactDelete))
	m.HandleFunc("POST /annuaire/{id}/documents", s.page(s.documentUpload))
	m.HandleFunc("GET /annuaire/{id}/documents/{doc}", s.page(s.documentGet))
	m.HandleFunc("POST /annuaire/{id}/documents/{doc}/suppression", s.page(s.documentDelete))
	m.HandleFunc("GET /admin/import-finess", s.page(s.importForm))
	m.HandleFunc("POST /admin/import-finess", s.page(s.importSubmit))

	s.capacityRoutes()
	s.childrenRoutes()
	s.projectRoutes()
	s.requestRoutes()
	s.cooperationRoutes()
	s.crisisRoutes()
	s.crisisSideRoutes()
	s.surveyRoutes()
	s.indicatorRoutes()
	s.observatoryRoutes()

	m.HandleFunc("GET /organisations", s.page(s.orgList))
	m.HandleFunc("GET /organisations/{id}", s.page(s.orgView))
	m.HandleFunc("GET /admin/organisations/nouvelle", s.page(s.orgNewForm))
	m.HandleFunc("POST /admin/organisations/nouvelle", s.page(s.orgCreate))
	m.HandleFunc("GET /organisations/{id}/modifier", s.page(s.orgEditForm))
	m.HandleFunc("POST /organisations/{id}/modifier", s.page(s.orgUpdate))
	m.HandleFunc("POST /organisations/{id}/activation", s.page(s.orgSetActive))

	m.HandleFunc("GET /admin/comptes", s.page(s.accountList))
	m.HandleFunc("GET /admin/comptes/nouveau", s.page(s.accountNewForm))
	m.HandleFunc("POST /admin/comptes/nouveau", s.page(s.accountCreate))
	m.HandleFunc("GET /admin/comptes/{id}", s.page(s.accountView))
	m.HandleFunc("POST /admin/comptes/{id}/activation", s.page(s.accountSetActive))
	m.HandleFunc("GET /admin/journal", s.page(s.auditPage))

	// JSON API.
	s.apiRoute("GET", "/api/v1/openapi.json", s.openAPI)
	s.apiRoute("GET", "/api/v1/me", s.apiMe)
	s.apiRoute("GET", "/api/v1/communes", s.apiCommunes)
	s.apiRoute("GET", "/api/v1/organisations", s.apiOrgList)
	s.apiRoute("POST", "/api/v1/organisations", s.apiOrgCreate)
	s.apiRoute("GET", "/api/v1/organisations/{id}", s.apiOrgGet)
	s.apiRoute("PATCH", "/api/v1/organisations/{id}", s.apiOrgUpdate)
	s.apiRoute("GET", "/api/v1/accounts", s.apiAccountList)
	s.apiRoute("POST", "/api/v1/accounts", s.apiAccountCreate)
	s.apiRoute("GET", "/api/v1/accounts/{id}", s.apiAccountGet)
	s.apiRoute("PATCH", "/api/v1/accounts/{id}", s.apiAccountUpdate)
	s.apiRoute("GET", "/api/v1/audit", s.apiAudit)
	s.directoryAPIRoutes()
	s.capacityAPIRoutes()
	s.childrenAPIRoutes()
	s.togetherAPIRoutes()
	s.projectAPIRoutes()
	s.requestsAPIRoutes()
	s.cooperationAPIRoutes()
	s.crisisAPIRoutes()
	s.crisisSideAPIRoutes()
	s.surveysAPIRoutes()
	s.indicatorsAPIRoutes()
	m.HandleFunc("/api/", s.apiHandler(s.apiNotFound))

	m.HandleFunc("/", s.public(s.notFound))
}

// apiRoute registers an API operation and remembers it for the OpenAPI test.
func (s *Server) apiRoute(method, path string, h handler) {
	s.api = append(s.api, apiRoute{Method: method, Path: path})
	s.mux.HandleFunc(method+" "+path, s.apiHandler(h))
}

// APIRoutes lists the registered API operations.
func (s *Server) APIRoutes() []apiRoute { return s.api }

// route serves the application mux and records the pattern that matched,
// for the logs and the metrics (the mux sets it on its own request copy).
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
	setRoute(r, r.Pattern)
}
