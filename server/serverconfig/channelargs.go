package serverconfig

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"
)

// ChannelArg is one --grpc_channel_arguments entry. As in MLMD's server, a
// value that parses as an integer is an integer argument, anything else a
// string argument.
type ChannelArg struct {
	Key    string
	Int    int64
	Str    string
	IsInt  bool
	Source string // the entry as written, for messages
}

// ParseChannelArgs parses MLMD's --grpc_channel_arguments syntax: entries
// separated by commas, each "key=value"; empty entries and empty pieces are
// skipped, as absl::StrSplit with SkipEmpty skips them. An entry without a
// value is an error (MLMD's server crashes on it).
func ParseChannelArgs(s string) ([]ChannelArg, error) {
	var out []ChannelArg
	for _, entry := range strings.Split(s, ",") {
		if entry == "" {
			continue
		}
		var parts []string
		for _, p := range strings.Split(entry, "=") {
			if p != "" {
				parts = append(parts, p)
			}
		}
		if len(parts) < 2 {
			return nil, fmt.Errorf("entry %q is not key=value", entry)
		}
		if len(parts) > 2 {
			return nil, fmt.Errorf("entry %q has more than one '='", entry)
		}
		a := ChannelArg{Key: parts[0], Source: entry}
		if v, err := strconv.ParseInt(parts[1], 10, 64); err == nil {
			a.Int, a.IsInt = v, true
		} else {
			a.Str = parts[1]
		}
		out = append(out, a)
	}
	return out, nil
}

// channelArgHandlers maps the gRPC core argument names that have a grpc-go
// server equivalent to a function that applies the integer value.
var channelArgHandlers = map[string]func(v int64, s *argState) error{
	"grpc.max_receive_message_length": func(v int64, s *argState) error {
		s.opts = append(s.opts, grpc.MaxRecvMsgSize(msgSize(v)))
		return nil
	},
	"grpc.max_send_message_length": func(v int64, s *argState) error {
		s.opts = append(s.opts, grpc.MaxSendMsgSize(msgSize(v)))
		return nil
	},
	"grpc.max_metadata_size": func(v int64, s *argState) error {
		if v <= 0 || v > math.MaxUint32 {
			return fmt.Errorf("must be in 1..%d", uint32(math.MaxUint32))
		}
		s.opts = append(s.opts, grpc.MaxHeaderListSize(uint32(v)))
		return nil
	},
	"grpc.max_concurrent_streams": func(v int64, s *argState) error {
		if v <= 0 || v > math.MaxUint32 {
			return fmt.Errorf("must be in 1..%d", uint32(math.MaxUint32))
		}
		s.opts = append(s.opts, grpc.MaxConcurrentStreams(uint32(v)))
		return nil
	},
	"grpc.keepalive_time_ms":                            msField(func(s *argState, d time.Duration) { s.kp.Time = d }),
	"grpc.keepalive_timeout_ms":                         msField(func(s *argState, d time.Duration) { s.kp.Timeout = d }),
	"grpc.max_connection_idle_ms":                       msField(func(s *argState, d time.Duration) { s.kp.MaxConnectionIdle = d }),
	"grpc.max_connection_age_ms":                        msField(func(s *argState, d time.Duration) { s.kp.MaxConnectionAge = d }),
	"grpc.max_connection_age_grace_ms":                  msField(func(s *argState, d time.Duration) { s.kp.MaxConnectionAgeGrace = d }),
	"grpc.http2.min_recv_ping_interval_without_data_ms": msField(func(s *argState, d time.Duration) { s.kep.MinTime = d; s.hasKEP = true }),
	"grpc.http2.min_ping_interval_without_data_ms":      msField(func(s *argState, d time.Duration) { s.kep.MinTime = d; s.hasKEP = true }),
	"grpc.keepalive_permit_without_calls": func(v int64, s *argState) error {
		s.kep.PermitWithoutStream, s.hasKEP = v != 0, true
		return nil
	},
}

// argState collects the options built from channel arguments.
type argState struct {
	opts   []grpc.ServerOption
	kp     keepalive.ServerParameters
	hasKP  bool
	kep    keepalive.EnforcementPolicy
	hasKEP bool
}

func msField(set func(*argState, time.Duration)) func(int64, *argState) error {
	return func(v int64, s *argState) error {
		if v < 0 {
			return fmt.Errorf("must not be negative")
		}
		set(s, time.Duration(v)*time.Millisecond)
		s.hasKP = true
		return nil
	}
}

// msgSize maps gRPC core's message size argument (-1 = unlimited) to grpc-go.
func msgSize(v int64) int {
	if v < 0 || v > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(v)
}

// ChannelArgOptions turns channel arguments into grpc-go server options.
// Arguments that grpc-go has no equivalent for are accepted and named in
// the returned warnings (gRPC core also just logs arguments it does not
// use); a known argument with a string value is an error.
func ChannelArgOptions(args []ChannelArg) ([]grpc.ServerOption, []string, error) {
	var st argState
	var warnings []string
	for _, a := range args {
		h, ok := channelArgHandlers[a.Key]
		if !ok {
			warnings = append(warnings, fmt.Sprintf("channel argument %q has no effect in gomlmd's server (supported: %s)", a.Source, strings.Join(SupportedChannelArgs(), ", ")))
			continue
		}
		if !a.IsInt {
			return nil, nil, fmt.Errorf("%s: value %q is not an integer", a.Key, a.Str)
		}
		if err := h(a.Int, &st); err != nil {
			return nil, nil, fmt.Errorf("%s=%d: %v", a.Key, a.Int, err)
		}
	}
	// The keepalive maps default to zero values that grpc-go reads as "use
	// the default", except MinTime, whose zero would let clients ping
	// freely; keep grpc-go's default (5 minutes) unless it was given.
	if st.hasKP {
		st.opts = append(st.opts, grpc.KeepaliveParams(st.kp))
	}
	if st.hasKEP {
		if st.kep.MinTime == 0 && !hasArg(args, "grpc.http2.min_recv_ping_interval_without_data_ms", "grpc.http2.min_ping_interval_without_data_ms") {
			st.kep.MinTime = 5 * time.Minute
		}
		st.opts = append(st.opts, grpc.KeepaliveEnforcementPolicy(st.kep))
	}
	return st.opts, warnings, nil
}

func hasArg(args []ChannelArg, keys ...string) bool {
	for _, a := range args {
		for _, k := range keys {
			if a.Key == k {
				return true
			}
		}
	}
	return false
}

// SupportedChannelArgs returns the channel argument names that have an
// effect, sorted.
func SupportedChannelArgs() []string {
	keys := make([]string, 0, len(channelArgHandlers))
	for k := range channelArgHandlers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
