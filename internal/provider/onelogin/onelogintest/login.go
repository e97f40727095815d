package onelogintest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// assertion serves POST /api/2/saml_assertion.
func (s *Server) assertion(w http.ResponseWriter, r *http.Request) {
	body := s.decode(w, r, map[string]field{
		"username_or_email": {typeString, true},
		"password":          {typeString, true},
		"app_id":            {typeString, true},
		"subdomain":         {typeString, true},
		"ip_address":        {typeString, false},
	})
	if body == nil || !s.api(w, r) {
		return
	}
	name, pw := str(body, "username_or_email"), str(body, "password")
	switch {
	case name == "":
		s.violate(w, "saml_assertion: username_or_email is empty")
		return
	case s.opts.InsufficientPermission:
		writeError(w, http.StatusUnauthorized, "Insufficient Permission")
		return
	case str(body, "subdomain") != s.opts.Subdomain:
		writeError(w, http.StatusBadRequest, "Invalid subdomain")
		return
	case str(body, "app_id") != s.opts.AppID:
		writeError(w, http.StatusNotFound, "App could not be found")
		return
	}
	if s.rejected[name] {
		s.violations = append(s.violations, "saml_assertion: a password was sent again for "+name+" after OneLogin refused one")
	}
	u, known := s.opts.Users[name]
	switch {
	case !known || u.Password != pw:
		s.rejected[name] = true
		writeError(w, http.StatusUnauthorized, "Authentication Failed: Invalid user credentials")
		return
	case u.Locked:
		writeError(w, http.StatusUnauthorized, "User is locked. Access is unauthorized")
		return
	case s.opts.IPNotAllowed:
		writeError(w, http.StatusUnauthorized, "You are not allowed to access this app from your current IP address")
		return
	case len(u.Devices) == 0:
		s.succeed(w, name)
		return
	}
	tok := randomToken()
	s.issued++
	s.states[tok] = &state{user: name, appID: s.opts.AppID, expired: s.issued <= s.opts.ExpireStates,
		pushed: map[int]bool{}, pushedAt: map[int]time.Time{}, polls: map[int]int{}, smsSent: map[int]bool{}}
	devs := make([]map[string]any, len(u.Devices))
	for i, d := range u.Devices {
		devs[i] = map[string]any{"device_id": d.ID, "device_type": d.Type}
	}
	writeJSON(w, map[string]any{
		"state_token":  tok,
		"message":      "MFA is required for this user",
		"devices":      devs,
		"callback_url": s.decoy.URL + "/api/2/saml_assertion/verify_factor",
		"user":         map[string]any{"id": 1000 + s.issued, "username": name, "email": name + "@example.com", "firstname": "", "lastname": ""},
	})
}

func (s *Server) succeed(w http.ResponseWriter, user string) {
	data := Placeholder
	if s.opts.Assertion != nil {
		var err error
		if data, err = s.opts.Assertion(user); err != nil {
			writeError(w, http.StatusInternalServerError, "assertion: "+err.Error())
			return
		}
	}
	writeJSON(w, map[string]any{"data": data, "message": "Success"})
}

// kind is how OneLogin verifies a device type.
func kind(deviceType string) string {
	t := strings.ToLower(deviceType)
	switch {
	case strings.Contains(t, "protect"):
		return "push"
	case strings.Contains(t, "sms"):
		return "sms"
	}
	return "code"
}

// verify serves POST /api/2/saml_assertion/verify_factor.
func (s *Server) verify(w http.ResponseWriter, r *http.Request) {
	body := s.decode(w, r, map[string]field{
		"app_id":        {typeString, true},
		"device_id":     {typeStringID, true},
		"state_token":   {typeString, true},
		"otp_token":     {typeString, false},
		"do_not_notify": {typeBool, false},
	})
	if body == nil || !s.api(w, r) {
		return
	}
	st := s.states[str(body, "state_token")]
	switch {
	case st == nil:
		s.violations = append(s.violations, "verify_factor: a state token OneLogin never issued")
		writeError(w, http.StatusUnauthorized, "State token is invalid or expired")
		return
	case st.done:
		s.violations = append(s.violations, "verify_factor: the state token was used after it gave the assertion")
		writeError(w, http.StatusUnauthorized, "State token is invalid or expired")
		return
	case st.expired:
		if st.expiredSeen {
			s.violations = append(s.violations, "verify_factor: an expired state token was used again instead of logging in again")
		}
		st.expiredSeen = true
		writeError(w, http.StatusUnauthorized, "State token is invalid or expired")
		return
	case str(body, "app_id") != st.appID:
		s.violate(w, "verify_factor: app_id %q differs from the login's", str(body, "app_id"))
		return
	}
	id, _ := strconv.Atoi(str(body, "device_id"))
	var dev *Device
	for i, d := range s.opts.Users[st.user].Devices {
		if d.ID == id && str(body, "device_id") == strconv.Itoa(d.ID) {
			dev = &s.opts.Users[st.user].Devices[i]
		}
	}
	if dev == nil {
		s.violate(w, "verify_factor: device_id %q is not a device of %s", str(body, "device_id"), st.user)
		return
	}
	otp, hasOTP := body["otp_token"]
	notify, hasNotify := body["do_not_notify"].(bool)
	quiet := hasNotify && notify
	switch kind(dev.Type) {
	case "push":
		switch {
		case hasOTP && st.pushed[id] && !quiet:
			s.violations = append(s.violations, "verify_factor: a code after the push without do_not_notify true (OneLogin pushes again)")
			s.counts.Pushes++
		case !hasOTP && !quiet:
			if st.pushed[id] {
				s.violations = append(s.violations, "verify_factor: a poll without do_not_notify true pushed again")
			}
			st.pushed[id] = true
			st.pushedAt[id] = s.opts.Now()
			s.counts.Pushes++
			writeJSON(w, map[string]any{"message": "Authentication pending on OL Protect"})
			return
		case !hasOTP:
			if !st.pushed[id] {
				s.violations = append(s.violations, "verify_factor: polled with do_not_notify true before any push was sent")
				writeJSON(w, map[string]any{"message": "Authentication pending on OL Protect"})
				return
			}
			s.counts.Polls++
			st.polls[id]++
			switch {
			case dev.PushDenied:
				writeError(w, http.StatusUnauthorized, "Failed authentication with this factor")
			case dev.PushApproveAfter > 0 && st.polls[id] >= dev.PushApproveAfter,
				dev.PushApproveDelay > 0 && s.opts.Now().Sub(st.pushedAt[id]) >= dev.PushApproveDelay:
				st.done = true
				s.succeed(w, st.user)
			default:
				writeJSON(w, map[string]any{"message": "Authentication pending on OL Protect"})
			}
			return
		}
	case "sms":
		if !hasOTP {
			st.smsSent[id] = true
			s.counts.SMS++
			writeJSON(w, map[string]any{"message": "Authentication pending on " + dev.Type})
			return
		}
		if !st.smsSent[id] {
			s.violations = append(s.violations, "verify_factor: an SMS code before any SMS was sent")
		}
	default:
		if !hasOTP {
			s.blankOTP(w, dev)
			return
		}
	}
	if otp == "" {
		s.blankOTP(w, dev)
		return
	}
	if otp != dev.Code {
		writeError(w, http.StatusUnauthorized, "Failed authentication with this factor")
		return
	}
	st.done = true
	s.succeed(w, st.user)
}

// blankOTP answers a code factor verified without a code as OneLogin does;
// a client that knows the device type never sends that.
func (s *Server) blankOTP(w http.ResponseWriter, dev *Device) {
	s.violations = append(s.violations, "verify_factor: no otp_token for "+dev.Type+", a code factor")
	writeError(w, http.StatusBadRequest, "OTP token blank")
}
