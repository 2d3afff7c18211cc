package access_test

import "passerelle/internal/access"

func init() {
	matrix = append(matrix,
		matrixRow{access.ActionExport, access.Resource{Type: access.ResObservatory, Departement: "42"},
			"the observatory export of 42", []string{"admin", "steering of 42", "ARS steering of 42", "system"}},
		matrixRow{access.ActionExport, access.Resource{Type: access.ResObservatory, Departement: "69"},
			"the observatory export of 69", []string{"admin", "steering of 69", "system"}},
		matrixRow{access.ActionExport, access.Resource{Type: access.ResObservatory},
			"the observatory export without a département", []string{"admin", "system"}},
	)
}
