package web

// The User Manager templates show UserManager records (SPEC 3.2) as the
// engine returns them, maps in cPanel's field names. These wrappers only
// save the templates from spelling the three services out each time; the
// data stays the function's.

// userServices are the services of a record, in record order, with the
// words pages use for them.
var userServices = []struct{ key, title string }{
	{"email", "Email"}, {"ftp", "FTP"}, {"webdisk", "Web Disk"},
}

// recordView is one record with the view of its page, so that the parts
// showing a record reach .Base, .ErrorsFor and the rest.
//
//	{{ template "um-sub-row" ($.Record .) }}
type recordView struct {
	*view
	R map[string]any
}

// serviceView is one service of a record: services.KEY.
type serviceView struct {
	Key   string // email, ftp or webdisk: the key in services and in services.KEY.* arguments
	Title string
	On    bool           // enabled
	Data  map[string]any // services.KEY: enabled and, when on, the service's settings
}

// Record wraps one record (a map from execute's data); anything else is an
// empty record.
func (v *view) Record(rec any) recordView {
	m, _ := rec.(map[string]any)
	return recordView{view: v, R: m}
}

// Services returns the record's three services, enabled or not.
func (r recordView) Services() []serviceView {
	all, _ := r.R["services"].(map[string]any)
	out := make([]serviceView, 0, len(userServices))
	for _, s := range userServices {
		data, _ := all[s.key].(map[string]any)
		out = append(out, serviceView{Key: s.key, Title: s.title, On: truthy(data["enabled"]), Data: data})
	}
	return out
}

// Service returns the service of a service record, the one it has
// enabled; the zero serviceView when none is.
func (r recordView) Service() serviceView {
	for _, s := range r.Services() {
		if s.On {
			return s
		}
	}
	return serviceView{}
}

// Candidates returns the merge candidates: the service accounts of the
// record's name that are not linked and could be.
func (r recordView) Candidates() []recordView { return r.list("merge_candidates") }

// Dismissed returns the dismissed merge candidates (lookup_user fills
// them): service accounts of the name kept apart on purpose.
func (r recordView) Dismissed() []recordView { return r.list("dismissed_merge_candidates") }

func (r recordView) list(key string) []recordView {
	items, _ := r.R[key].([]any)
	out := make([]recordView, 0, len(items))
	for _, it := range items {
		out = append(out, r.Record(it))
	}
	return out
}

// serviceForm is the data of the um-service-form part: the service
// settings of the create form (R nil) or of the edit form (R the record).
type serviceForm struct {
	*view
	Form string // the form's name, which starts every id in the part
	R    map[string]any
}

// ServiceForm returns the service settings part of the form named form,
// filled from rec (nil on the create form).
//
//	{{ template "um-service-form" (.ServiceForm "usermanager-edit" $r.Data) }}
func (v *view) ServiceForm(form string, rec any) serviceForm {
	m, _ := rec.(map[string]any)
	return serviceForm{view: v, Form: form, R: m}
}

// On reports whether the record has the service enabled.
func (f serviceForm) On(service string) bool {
	return truthy(f.setting(service, "enabled"))
}

// Current returns a setting of an enabled service as the form shows it: a
// quota as whole MB or "unlimited" (records write 0 and "0.00"); nil when
// the service is off or there is no record.
func (f serviceForm) Current(service, key string) any {
	if !f.On(service) {
		return nil
	}
	v := f.setting(service, key)
	if key == "quota" {
		if n := toInt(v); n > 0 {
			return n
		}
		return "unlimited"
	}
	return v
}

func (f serviceForm) setting(service, key string) any {
	all, _ := f.R["services"].(map[string]any)
	data, _ := all[service].(map[string]any)
	return data[key]
}
