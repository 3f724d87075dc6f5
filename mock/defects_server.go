package mock

// serverDefects are backends served by another HTTP server than uvicorn
// (BEHAVIOUR.md: The HTTP server): each leaves one row of the table to Go's
// net/http, as a reimplementation on Go, or a new deployment behind another
// server, answers it.
var serverDefects = []*defect{
	{name: "raw-target-bytes-served", goRows: rowRawTarget},
	{name: "bad-escape-refused", goRows: rowBadEscape},
	{name: "other-target-forms-routed", goRows: rowOtherTargetForm},
	{name: "control-byte-in-a-value-refused", goRows: rowControlByte},
	{name: "host-checked-as-go-does", goRows: rowGoHost},
	{name: "expect-417", goRows: rowExpect},
	{name: "content-length-list-refused", goRows: rowContentLengthList},
	{name: "http10-keep-alive-kept", goRows: rowHTTP10KeepAlive},
	{name: "go-400-page", goRows: rowRefusal},
	{name: "blank-line-skipped", goRows: rowBlankLine},
}
