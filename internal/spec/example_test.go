package spec_test

import (
	"fmt"
	"net/http"
	"sort"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// Load the embedded openapi.yaml (or, with a path, another version of it),
// list its operations and route a request on any host and port.
func Example() {
	sp, err := spec.FromFlag("") // "" is the spec embedded in the binary
	if err != nil {
		fmt.Println("load:", err)
		return
	}
	var ops []string
	for path, item := range sp.Doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops = append(ops, fmt.Sprintf("%-6s %s %s", method, path, op.OperationID))
		}
	}
	sort.Strings(ops)
	for _, op := range ops {
		fmt.Println(op)
	}

	req, _ := http.NewRequest(http.MethodPut,
		"http://127.0.0.1:4010/api/organization/9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c/member/3C90C3CC-0D44-4B50-8888-8DD25736052A", nil)
	route, params, err := sp.FindRoute(req)
	if err != nil {
		fmt.Println("route:", err)
		return
	}
	fmt.Println(route.Operation.OperationID, params["member_id"], spec.IsUUID(params["member_id"]))
	// Output:
	// DELETE /api/organization/{organization_id}/member/{member_id} delete_organization_member
	// GET    /api/organization/{organization_id}/member get_organization_members
	// POST   /api/organization/{organization_id}/member create_organization_member
	// PUT    /api/organization/{organization_id}/member/{member_id} update_organization_member
	// update_organization_member 3C90C3CC-0D44-4B50-8888-8DD25736052A true
}
