package web_test

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// protoName is a method's name in the descriptor.
func protoName(method string) protoreflect.Name { return protoreflect.Name(method) }

// invoke makes a unary call of MetadataStoreService over native gRPC by
// name, with a response of the named message type.
func invoke(ctx context.Context, conn *grpc.ClientConn, method string, req proto.Message, out protoreflect.FullName) (proto.Message, error) {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(out)
	if err != nil {
		return nil, err
	}
	resp := mt.New().Interface()
	err = conn.Invoke(ctx, "/ml_metadata.MetadataStoreService/"+method, req, resp)
	return resp, err
}

func statusOf(err error) *status.Status { return status.Convert(err) }
