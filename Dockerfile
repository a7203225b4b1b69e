# The mlmd-server image: one static binary (CGO_ENABLED=0) in an empty
# image, run as the unprivileged user 65532. Multi-platform:
#
#   docker buildx build --platform linux/amd64,linux/arm64 \
#     --build-arg VERSION=$(git describe --tags --always) -t mlmd-server .
#
# The binary is at /mlmd-server and, for deployments written for MLMD's own
# image, at /bin/metadata_store_server. It takes MLMD's server flags; with
# none it serves an in-memory store on port 8080. scripts/image-root.sh
# builds the image's file system; the image test runs it the same way.

FROM --platform=$BUILDPLATFORM golang:1.26-bookworm AS build
ARG TARGETOS=linux
ARG TARGETARCH
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH VERSION=$VERSION scripts/image-root.sh /rootfs

FROM scratch
COPY --from=build /rootfs/ /
USER 65532:65532
# gRPC (MLMD's service, health, reflection); Prometheus metrics with --metrics_port=9090.
EXPOSE 8080 9090
ENTRYPOINT ["/mlmd-server"]
