package server

// The protos under proto/ must describe exactly MLMD's API: the same
// messages, fields, numbers, types, labels, defaults, options, enums,
// extensions and service methods. This test compares the descriptors
// compiled into gen/mlmdpb with a checked-in snapshot of MLMD's descriptors
// (testdata/mlmd_descriptors.txtpb), and, when MLMD's .proto files and protoc
// are at hand, checks the snapshot against MLMD's files themselves.
//
// MLMD's files are looked up in $MLMD_PROTO_DIR (a directory holding
// metadata_store.proto and metadata_store_service.proto), then /work/ref,
// then the git mirror /work/.mirror/google+ml-metadata/repo.
//
//	go test ./server -run TestProtoCompat -update-mlmd-descriptors
//
// rewrites the snapshot from MLMD's files.

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
)

var updateMLMDDescriptors = flag.Bool("update-mlmd-descriptors", false, "rewrite testdata/mlmd_descriptors.txtpb from MLMD's .proto files")

const snapshotPath = "testdata/mlmd_descriptors.txtpb"

var protoFiles = []string{"metadata_store.proto", "metadata_store_service.proto"}

// normalize strips what may legitimately differ between MLMD's files and
// ours: comments (source info), json_name (protoc may or may not fill it in)
// and go_package.
func normalize(fd *descriptorpb.FileDescriptorProto) *descriptorpb.FileDescriptorProto {
	fd = proto.Clone(fd).(*descriptorpb.FileDescriptorProto)
	fd.SourceCodeInfo = nil
	if o := fd.Options; o != nil {
		o.GoPackage = nil
		if proto.Size(o) == 0 {
			fd.Options = nil
		}
	}
	var msg func(m *descriptorpb.DescriptorProto)
	msg = func(m *descriptorpb.DescriptorProto) {
		for _, f := range m.Field {
			f.JsonName = nil
		}
		for _, f := range m.Extension {
			f.JsonName = nil
		}
		for _, n := range m.NestedType {
			msg(n)
		}
	}
	for _, m := range fd.MessageType {
		msg(m)
	}
	for _, f := range fd.Extension {
		f.JsonName = nil
	}
	return fd
}

func ourDescriptors() *descriptorpb.FileDescriptorSet {
	set := &descriptorpb.FileDescriptorSet{}
	for _, fd := range []protoreflect.FileDescriptor{pb.File_ml_metadata_proto_metadata_store_proto, pb.File_ml_metadata_proto_metadata_store_service_proto} {
		set.File = append(set.File, normalize(protodesc.ToFileDescriptorProto(fd)))
	}
	return set
}

// mlmdProtoDir returns a directory laid out as ml_metadata/proto/*.proto
// with MLMD's files, or "" if they cannot be found.
func mlmdProtoDir(t *testing.T) string {
	t.Helper()
	tmp := t.TempDir()
	dst := filepath.Join(tmp, "ml_metadata", "proto")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{os.Getenv("MLMD_PROTO_DIR"), "/work/ref"} {
		if dir == "" {
			continue
		}
		ok := true
		for _, f := range protoFiles {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				ok = false
				break
			}
			if err := os.WriteFile(filepath.Join(dst, f), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if ok {
			return tmp
		}
	}
	const mirror = "/work/.mirror/google+ml-metadata/repo"
	if _, err := os.Stat(mirror); err == nil {
		for _, f := range protoFiles {
			b, err := exec.Command("git", "-C", mirror, "show", "HEAD:ml_metadata/proto/"+f).Output()
			if err != nil {
				return ""
			}
			if err := os.WriteFile(filepath.Join(dst, f), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return tmp
	}
	return ""
}

// mlmdDescriptors compiles MLMD's files with protoc, or returns nil when
// protoc or the files are missing.
func mlmdDescriptors(t *testing.T) *descriptorpb.FileDescriptorSet {
	t.Helper()
	protoc, err := exec.LookPath("protoc")
	if err != nil {
		t.Log("protoc not found; comparing with the checked-in snapshot only")
		return nil
	}
	dir := mlmdProtoDir(t)
	if dir == "" {
		t.Log("MLMD's .proto files not found; comparing with the checked-in snapshot only")
		return nil
	}
	out := filepath.Join(t.TempDir(), "set.pb")
	args := []string{"-I", dir}
	if _, err := os.Stat("/usr/include/google/protobuf/any.proto"); err == nil {
		args = append(args, "-I", "/usr/include")
	}
	args = append(args, "--descriptor_set_out="+out, "ml_metadata/proto/metadata_store.proto", "ml_metadata/proto/metadata_store_service.proto")
	if b, err := exec.Command(protoc, args...).CombinedOutput(); err != nil {
		t.Fatalf("protoc on MLMD's files: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	set := &descriptorpb.FileDescriptorSet{}
	if err := proto.Unmarshal(b, set); err != nil {
		t.Fatal(err)
	}
	for i, f := range set.File {
		set.File[i] = normalize(f)
	}
	return set
}

func readSnapshot(t *testing.T) *descriptorpb.FileDescriptorSet {
	t.Helper()
	b, err := os.ReadFile(snapshotPath)
	if err != nil {
		t.Fatalf("read snapshot: %v (run with -update-mlmd-descriptors where MLMD's protos are available)", err)
	}
	set := &descriptorpb.FileDescriptorSet{}
	if err := prototext.Unmarshal(b, set); err != nil {
		t.Fatalf("parse %s: %v", snapshotPath, err)
	}
	return set
}

func TestProtoCompat(t *testing.T) {
	mlmd := mlmdDescriptors(t)
	if *updateMLMDDescriptors {
		if mlmd == nil {
			t.Fatal("-update-mlmd-descriptors needs protoc and MLMD's .proto files")
		}
		b, err := prototext.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(mlmd)
		if err != nil {
			t.Fatal(err)
		}
		header := "# Descriptors of google/ml-metadata's metadata_store.proto and\n# metadata_store_service.proto (names, numbers, types, defaults, options;\n# no comments), written by TestProtoCompat -update-mlmd-descriptors.\n"
		if err := os.WriteFile(snapshotPath, append([]byte(header), b...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	snapshot := readSnapshot(t)
	if mlmd != nil && !proto.Equal(mlmd, snapshot) {
		t.Errorf("%s is stale: MLMD's protos changed; rerun with -update-mlmd-descriptors and update proto/ to match", snapshotPath)
	}
	ours := ourDescriptors()
	if len(ours.File) != len(snapshot.File) {
		t.Fatalf("%d files, MLMD has %d", len(ours.File), len(snapshot.File))
	}
	for i := range ours.File {
		o, m := ours.File[i], snapshot.File[i]
		if proto.Equal(o, m) {
			continue
		}
		t.Errorf("%s differs from MLMD's:", o.GetName())
		diffDescriptors(t, o, m)
	}
}

// diffDescriptors reports which top-level element differs, to point at the
// mistake without dumping both files.
func diffDescriptors(t *testing.T, ours, mlmd *descriptorpb.FileDescriptorProto) {
	t.Helper()
	if ours.GetPackage() != mlmd.GetPackage() || ours.GetSyntax() != mlmd.GetSyntax() {
		t.Errorf("  package/syntax: %q %q, want %q %q", ours.GetPackage(), ours.GetSyntax(), mlmd.GetPackage(), mlmd.GetSyntax())
	}
	if !equalStrings(ours.Dependency, mlmd.Dependency) {
		t.Errorf("  imports %v, want %v", ours.Dependency, mlmd.Dependency)
	}
	byName := func(ms []*descriptorpb.DescriptorProto) map[string]*descriptorpb.DescriptorProto {
		out := map[string]*descriptorpb.DescriptorProto{}
		for _, m := range ms {
			out[m.GetName()] = m
		}
		return out
	}
	om, mm := byName(ours.MessageType), byName(mlmd.MessageType)
	for i, m := range mlmd.MessageType {
		o, ok := om[m.GetName()]
		switch {
		case !ok:
			t.Errorf("  message %s is missing", m.GetName())
		case !proto.Equal(o, m):
			t.Errorf("  message %s differs:\n    ours: %v\n    mlmd: %v", m.GetName(), o, m)
		case i >= len(ours.MessageType) || ours.MessageType[i].GetName() != m.GetName():
			t.Errorf("  message %s is at another position", m.GetName())
		}
	}
	for _, o := range ours.MessageType {
		if _, ok := mm[o.GetName()]; !ok {
			t.Errorf("  message %s is not in MLMD", o.GetName())
		}
	}
	if len(ours.EnumType) != len(mlmd.EnumType) {
		t.Errorf("  %d enums, want %d", len(ours.EnumType), len(mlmd.EnumType))
	} else {
		for i := range ours.EnumType {
			if !proto.Equal(ours.EnumType[i], mlmd.EnumType[i]) {
				t.Errorf("  enum differs:\n    ours: %v\n    mlmd: %v", ours.EnumType[i], mlmd.EnumType[i])
			}
		}
	}
	if !equalMsgs(ours.Extension, mlmd.Extension) {
		t.Errorf("  extensions differ:\n    ours: %v\n    mlmd: %v", ours.Extension, mlmd.Extension)
	}
	if !equalMsgs(ours.Service, mlmd.Service) {
		t.Errorf("  service differs:\n    ours: %v\n    mlmd: %v", ours.Service, mlmd.Service)
	}
	if !proto.Equal(ours.Options, mlmd.Options) {
		t.Errorf("  file options %v, want %v", ours.Options, mlmd.Options)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalMsgs[M proto.Message](a, b []M) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !proto.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// TestServiceMethods pins the method count: MLMD's service has 52 methods.
func TestServiceMethods(t *testing.T) {
	if n := len(Methods()); n != 52 {
		t.Errorf("service has %d methods, want 52", n)
	}
}
