package server

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	_ "google.golang.org/grpc/encoding/proto" // registers the "proto" codec
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
)

// Default limits on one call. They keep the memory of a single call in the
// low hundreds of MB: a request is decoded only after its items are counted
// in the raw bytes, so a request over a limit costs little more than its
// own size.
const (
	// DefaultMaxRequestIDs is the default of Limits.MaxRequestIDs.
	DefaultMaxRequestIDs = 100_000
	// DefaultMaxRequestNodes is the default of Limits.MaxRequestNodes.
	DefaultMaxRequestNodes = 10_000
	// DefaultMaxResponseRows is the default of Limits.MaxResponseRows.
	DefaultMaxResponseRows = 100_000
)

// Limits bound the work of one call of the MLMD service. The zero value
// means the defaults; a negative field means no limit.
type Limits struct {
	// MaxRequestIDs bounds the scalar items (ids, names, external ids,
	// URIs) in one request, over all of its repeated fields
	// (--max_request_ids).
	MaxRequestIDs int
	// MaxRequestNodes bounds the messages (artifacts, executions,
	// contexts, events, attributions, edges, types) in one request, over
	// all of its repeated fields (--max_request_nodes).
	MaxRequestNodes int
	// MaxResponseRows bounds the nodes of one unpaged listing
	// (GetArtifacts, GetArtifactsByContext, ... without options); it is
	// enforced by the store (mlmd.Options.MaxResultRows), and a listing
	// over it fails with ResourceExhausted (--max_response_rows).
	MaxResponseRows int
}

// StoreRows is the value for mlmd.Options.MaxResultRows: the limit on
// unpaged listings, 0 for none.
func (l Limits) StoreRows() int {
	if l = l.withDefaults(); l.MaxResponseRows < 0 {
		return 0
	}
	return l.MaxResponseRows
}

func (l Limits) withDefaults() Limits {
	if l.MaxRequestIDs == 0 {
		l.MaxRequestIDs = DefaultMaxRequestIDs
	}
	if l.MaxRequestNodes == 0 {
		l.MaxRequestNodes = DefaultMaxRequestNodes
	}
	if l.MaxResponseRows == 0 {
		l.MaxResponseRows = DefaultMaxResponseRows
	}
	return l
}

// decodeEnvelope carries a request of the MLMD service through gRPC's
// codec. limitCodec fills msg, or records why it could not in err, and
// never fails itself: gRPC would answer a codec failure with Internal,
// before any interceptor or handler sees the call.
type decodeEnvelope struct {
	msg proto.Message
	err error
}

// limitCodec is gRPC's proto codec with the request limits: it counts the
// items of a request's repeated fields in the raw bytes and refuses a
// request over a limit before decoding it.
type limitCodec struct {
	base   encoding.CodecV2
	limits Limits
}

func newLimitCodec(l Limits) *limitCodec {
	return &limitCodec{base: encoding.GetCodecV2("proto"), limits: l.withDefaults()}
}

func (c *limitCodec) Name() string { return c.base.Name() }

func (c *limitCodec) Marshal(v any) (mem.BufferSlice, error) { return c.base.Marshal(v) }

func (c *limitCodec) Unmarshal(data mem.BufferSlice, v any) error {
	env, ok := v.(*decodeEnvelope)
	if !ok {
		return c.base.Unmarshal(data, v) // health, reflection
	}
	buf := data.MaterializeToBuffer(mem.DefaultBufferPool())
	defer buf.Free()
	raw := buf.ReadOnlyData()
	if err := c.checkCounts(raw, env.msg.ProtoReflect().Descriptor()); err != nil {
		env.err = err
		return nil
	}
	if err := proto.Unmarshal(raw, env.msg); err != nil {
		env.err = status.Errorf(codes.InvalidArgument, "cannot decode the %s: %v", env.msg.ProtoReflect().Descriptor().Name(), err)
	}
	return nil
}

// checkCounts counts the items of md's repeated fields in raw, the
// encoding of one md message, and returns an InvalidArgument status naming
// the limit and its flag when a count is over its limit. Malformed bytes
// are left for proto.Unmarshal to report.
func (c *limitCodec) checkCounts(raw []byte, md protoreflect.MessageDescriptor) error {
	var ids, nodes int
	for len(raw) > 0 {
		num, typ, n := protowire.ConsumeTag(raw)
		if n < 0 {
			return nil
		}
		raw = raw[n:]
		m := protowire.ConsumeFieldValue(num, typ, raw)
		if m < 0 {
			return nil
		}
		val := raw[:m]
		raw = raw[m:]
		fd := md.Fields().ByNumber(num)
		if fd == nil || !fd.IsList() {
			continue
		}
		switch {
		case fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind:
			nodes++
		case typ == protowire.BytesType && fd.Kind() != protoreflect.StringKind && fd.Kind() != protoreflect.BytesKind:
			// A packed run of numbers.
			v, _ := protowire.ConsumeBytes(val)
			ids += packedCount(v, fd.Kind())
		default:
			ids++
		}
	}
	if l := c.limits.MaxRequestIDs; l >= 0 && ids > l {
		return status.Errorf(codes.InvalidArgument,
			"the %s has %d ids, over the limit of %d per call (--max_request_ids); split it into smaller calls",
			md.Name(), ids, l)
	}
	if l := c.limits.MaxRequestNodes; l >= 0 && nodes > l {
		return status.Errorf(codes.InvalidArgument,
			"the %s has %d items, over the limit of %d per call (--max_request_nodes); split it into smaller calls",
			md.Name(), nodes, l)
	}
	return nil
}

// packedCount returns the number of values of kind k in the packed
// payload b.
func packedCount(b []byte, k protoreflect.Kind) int {
	switch k {
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind, protoreflect.FloatKind:
		return len(b) / 4
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind, protoreflect.DoubleKind:
		return len(b) / 8
	}
	// Varints: every value ends with the one byte whose high bit is clear.
	n := 0
	for _, c := range b {
		if c < 0x80 {
			n++
		}
	}
	return n
}

// limitedServiceDesc returns MLMD's service description with every method
// decoding its request through a decodeEnvelope: a request that cannot be
// decoded, or is over a limit, then fails with the status the codec chose
// (InvalidArgument) rather than gRPC's Internal, and is recorded for the
// call's log line.
func limitedServiceDesc() *grpc.ServiceDesc {
	sd := pb.MetadataStoreService_ServiceDesc // a copy
	methods := make([]grpc.MethodDesc, len(sd.Methods))
	for i, m := range sd.Methods {
		h := m.Handler
		methods[i] = grpc.MethodDesc{
			MethodName: m.MethodName,
			Handler: func(srv any, ctx context.Context, dec func(any) error, in grpc.UnaryServerInterceptor) (any, error) {
				return h(srv, ctx, envelopeDecoder(ctx, dec), in)
			},
		}
	}
	sd.Methods = methods
	return &sd
}

// envelopeDecoder wraps gRPC's decoder of one request.
func envelopeDecoder(ctx context.Context, dec func(any) error) func(any) error {
	return func(v any) error {
		msg, ok := v.(proto.Message)
		if !ok {
			return dec(v)
		}
		env := &decodeEnvelope{msg: msg}
		if err := dec(env); err != nil {
			// Size limit, cancellation: gRPC's own status, already sent.
			return err
		}
		if env.err != nil {
			if r := recordFrom(ctx); r != nil {
				r.decodeFailed = true
			}
			return env.err
		}
		return nil
	}
}

// String describes the limits for the startup log.
func (l Limits) String() string {
	l = l.withDefaults()
	return fmt.Sprintf("max_request_ids=%d max_request_nodes=%d max_response_rows=%d", l.MaxRequestIDs, l.MaxRequestNodes, l.MaxResponseRows)
}
