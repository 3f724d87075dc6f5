package mock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// TestPydanticFormatsOverHTTP starts the mock on the variants of
// testdata/specs-formats and creates members with bad and good values of
// pydantic's formats (UUID4, UUID7, Path, EmailStr), unions and tuples,
// and Decimal: each bad body is the 422 FastAPI gives, entry for entry;
// each good one is stored as pydantic writes it (a uuid in lower case, a
// path as pathlib writes it, the email's domain in lower case, the union
// member that took the value exactly, str(Decimal)).
//
// The expected answers are pydantic 2.13.4's (email-validator 2.3.0, from
// internal/fastapi/stack.sh), for the models the variants restate, as
// FastAPI 0.141 validates a body (Model.model_validate(body,
// from_attributes=True), loc prefixed with "body", the ctx through
// jsonable_encoder):
//
//	class Formats(BaseModel):
//	    user_id: UUID
//	    badge_uuid: UUID4 | None = None
//	    trace_uuid: UUID7 | None = None
//	    home_folder: Path | None = None
//	    pager_email: EmailStr | None = None
//	class Laptop(BaseModel):
//	    serial: Annotated[str, Field(max_length=12)]
//	    ram_gb: Annotated[int, Field(ge=4)] = 16
//	class Phone(BaseModel):
//	    imei: Annotated[str, Field(pattern='^[0-9]{15}$')]
//	    dual_sim: bool
//	class Unions(BaseModel):
//	    user_id: UUID
//	    seat: int | Annotated[str, Field(max_length=8)] | None = None
//	    shift_window: tuple[Annotated[int, Field(ge=0, le=23)], Annotated[int, Field(ge=0, le=23)]] | None = None
//	    parking_spot: tuple[Annotated[str, Field(pattern='^[A-D]$')], Annotated[int, Field(ge=1)]] | None = None
//	    device: Laptop | Phone | None = None
//	    extension: Annotated[int, Field(ge=100, le=999)] | UUID | None = None
//	class Decimals(BaseModel):
//	    user_id: UUID
//	    hourly_rate: Annotated[Decimal, Field(max_digits=6, decimal_places=2, ge=0)] | None = None
//	    budget: Decimal | None = None
func TestPydanticFormatsOverHTTP(t *testing.T) {
	rows := []struct {
		name, file, body string
		want             string // the detail, or the created row's added fields
	}{
		{"formats, bad", "pydantic-formats-31.json",
			`{"user_id":"USER","badge_uuid":"a8098c1a-f86e-11da-bd1a-00112444be1e","trace_uuid":"x","home_folder":5,"pager_email":"ada@example.test"}`,
			`[{"type":"uuid_version","loc":["body","badge_uuid"],"msg":"UUID version 4 expected","input":"a8098c1a-f86e-11da-bd1a-00112444be1e","ctx":{"expected_version":4}},{"type":"uuid_parsing","loc":["body","trace_uuid"],"msg":"Input should be a valid UUID, invalid character: found ` + "`x`" + ` at 1","input":"x","ctx":{"error":"invalid character: found ` + "`x`" + ` at 1"}},{"type":"path_type","loc":["body","home_folder"],"msg":"Input is not a valid path for <class 'pathlib.Path'>","input":5},{"type":"value_error","loc":["body","pager_email"],"msg":"value is not a valid email address: The part after the @-sign is a special-use or reserved name that cannot be used with email.","input":"ada@example.test","ctx":{"reason":"The part after the @-sign is a special-use or reserved name that cannot be used with email."}}]`},
		{"formats, good", "pydantic-formats-31.json",
			`{"user_id":"USER","badge_uuid":"C9BF9E57-1685-4C89-BAFB-FF5AF830BE8A","trace_uuid":"017f22e2-79b0-7cc3-98c4-dc0c0c07398f","home_folder":"srv//data/","pager_email":" Ada@Example.COM "}`,
			`{"badge_uuid":"c9bf9e57-1685-4c89-bafb-ff5af830be8a","trace_uuid":"017f22e2-79b0-7cc3-98c4-dc0c0c07398f","home_folder":"srv/data","pager_email":"Ada@example.com"}`},
		{"unions and tuples, bad", "unions-tuples-31.json",
			`{"user_id":"USER","seat":[1],"shift_window":[25],"parking_spot":["E",0,1],"device":{"serial":"xxxxxxxxxxxxx"},"extension":"abc"}`,
			`[{"type":"int_type","loc":["body","seat","int"],"msg":"Input should be a valid integer","input":[1]},{"type":"string_type","loc":["body","seat","constrained-str"],"msg":"Input should be a valid string","input":[1]},{"type":"less_than_equal","loc":["body","shift_window",0],"msg":"Input should be less than or equal to 23","input":25,"ctx":{"le":23}},{"type":"missing","loc":["body","shift_window",1],"msg":"Field required","input":[25]},{"type":"too_long","loc":["body","parking_spot"],"msg":"Tuple should have at most 2 items after validation, not 3","input":["E",0,1],"ctx":{"field_type":"Tuple","max_length":2,"actual_length":3}},{"type":"string_too_long","loc":["body","device","Laptop","serial"],"msg":"String should have at most 12 characters","input":"xxxxxxxxxxxxx","ctx":{"max_length":12}},{"type":"missing","loc":["body","device","Phone","imei"],"msg":"Field required","input":{"serial":"xxxxxxxxxxxxx"}},{"type":"missing","loc":["body","device","Phone","dual_sim"],"msg":"Field required","input":{"serial":"xxxxxxxxxxxxx"}},{"type":"int_parsing","loc":["body","extension","constrained-int"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"},{"type":"uuid_parsing","loc":["body","extension","uuid"],"msg":"Input should be a valid UUID, invalid length: expected length 32 for simple format, found 3","input":"abc","ctx":{"error":"invalid length: expected length 32 for simple format, found 3"}}]`},
		{"unions and tuples, good", "unions-tuples-31.json",
			`{"user_id":"USER","seat":"12","shift_window":[9,17],"parking_spot":["B","3"],"device":{"imei":"123456789012345","dual_sim":"yes"},"extension":"250"}`,
			`{"seat":"12","shift_window":[9,17],"parking_spot":["B",3],"device":{"imei":"123456789012345","dual_sim":true},"extension":250}`},
		{"Decimal, bad", "decimal-31.json", `{"user_id":"USER","hourly_rate":"12345.678","budget":"abc"}`,
			`[{"type":"decimal_max_digits","loc":["body","hourly_rate"],"msg":"Decimal input should have no more than 6 digits in total","input":"12345.678","ctx":{"max_digits":6}},{"type":"decimal_parsing","loc":["body","budget"],"msg":"Input should be a valid decimal","input":"abc"}]`},
		{"Decimal, bad types and a bound", "decimal-31.json", `{"user_id":"USER","hourly_rate":-1,"budget":[1]}`,
			`[{"type":"greater_than_equal","loc":["body","hourly_rate"],"msg":"Input should be greater than or equal to 0","input":-1,"ctx":{"ge":0}},{"type":"decimal_type","loc":["body","budget"],"msg":"Decimal input should be an integer, float, string or Decimal object","input":[1]}]`},
		{"Decimal, good", "decimal-31.json", `{"user_id":"USER","hourly_rate":"1e2","budget":0.1}`,
			`{"hourly_rate":"1E+2","budget":"0.1"}`},
	}
	mocks := map[string]*testMock{}
	for _, row := range rows {
		if mocks[row.file] == nil {
			sp, err := spec.LoadFile("testdata/specs-formats/" + row.file)
			require.NoError(t, err)
			mocks[row.file] = newTestMock(t, Config{Spec: sp})
		}
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			m := mocks[row.file]
			org := m.profile.OrganizationID
			// A candidate of its own for each row: a create that succeeds
			// takes its user.
			user := ""
			for i, r := range rows {
				if r.name == row.name {
					user = m.profile.CandidateUserIDs[i%len(m.profile.CandidateUserIDs)]
				}
			}
			r := m.do(http.MethodPost, m.membersPath(org), TokenOrgAdmin, strings.ReplaceAll(row.body, "USER", user))
			if strings.HasPrefix(row.want, "[") {
				require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Body)
				require.JSONEq(t, fmt.Sprintf(`{"detail":%s}`, row.want), string(r.Body))
				return
			}
			require.Less(t, r.Status, 300, "%s", r.Body)
			created := r.Object(t)
			var want map[string]any
			require.NoError(t, json.Unmarshal([]byte(row.want), &want))
			for name, value := range want {
				require.Equal(t, value, created[name], "%s as pydantic writes it", name)
			}
		})
	}
}
