// Package storage keeps JSON documents in an S3-compatible bucket (MinIO).
package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// ErrNotFound is returned when the requested object does not exist.
var ErrNotFound = errors.New("object not found")

// PingTimeout bounds a single Ping when the caller's context has no
// earlier deadline.
const PingTimeout = 2 * time.Second

// maxObjectSize caps what GetJSON reads back from one object.
const maxObjectSize = 1 << 20

// Config describes the object store connection.
type Config struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Bucket    string
	UseSSL    bool
}

// Client is a thin wrapper around a minio-go client bound to one bucket.
type Client struct {
	mc *minio.Client
	// probe makes a single attempt per call, so that health checks report
	// the real failure (e.g. "connection refused") instead of retrying
	// until their deadline.
	probe  *minio.Client
	bucket string
}

// NewClient validates cfg and builds a client. It does not contact the
// server; use Ping or EnsureBucketExists for that.
func NewClient(cfg Config) (*Client, error) {
	if cfg.Endpoint == "" {
		return nil, errors.New("storage: endpoint is empty")
	}
	if cfg.Bucket == "" {
		return nil, errors.New("storage: bucket is empty")
	}
	newMinio := func(maxRetries int) (*minio.Client, error) {
		return minio.New(cfg.Endpoint, &minio.Options{
			Creds:      credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
			Secure:     cfg.UseSSL,
			MaxRetries: maxRetries, // 0 means the library default
		})
	}
	mc, err := newMinio(0)
	if err != nil {
		return nil, fmt.Errorf("storage: client for %q: %w", cfg.Endpoint, err)
	}
	probe, err := newMinio(1)
	if err != nil {
		return nil, fmt.Errorf("storage: client for %q: %w", cfg.Endpoint, err)
	}
	return &Client{mc: mc, probe: probe, bucket: cfg.Bucket}, nil
}

// Bucket returns the bucket this client works on.
func (c *Client) Bucket() string { return c.bucket }

// EnsureBucketExists creates the bucket unless it is already there. The
// existence check is a single attempt: callers that wait for the server to
// come up retry on their own.
func (c *Client) EnsureBucketExists(ctx context.Context) error {
	exists, err := c.probe.BucketExists(ctx, c.bucket)
	if err != nil {
		return fmt.Errorf("check bucket %q: %w", c.bucket, err)
	}
	if exists {
		return nil
	}
	if err := c.mc.MakeBucket(ctx, c.bucket, minio.MakeBucketOptions{}); err != nil {
		// Another replica may have created it between the two calls.
		switch minio.ToErrorResponse(err).Code {
		case minio.BucketAlreadyOwnedByYou, minio.BucketAlreadyExists:
			return nil
		}
		return fmt.Errorf("create bucket %q: %w", c.bucket, err)
	}
	return nil
}

// Ping checks that the object store answers and that the bucket exists.
func (c *Client) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, PingTimeout)
	defer cancel()
	exists, err := c.probe.BucketExists(ctx, c.bucket)
	if err != nil {
		return fmt.Errorf("object store unreachable: %w", err)
	}
	if !exists {
		return fmt.Errorf("bucket %q does not exist", c.bucket)
	}
	return nil
}

// PutJSON stores v, encoded as JSON, under key.
func (c *Client) PutJSON(ctx context.Context, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %q: %w", key, err)
	}
	_, err = c.mc.PutObject(ctx, c.bucket, key, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: "application/json"})
	if err != nil {
		return fmt.Errorf("put %q: %w", key, err)
	}
	return nil
}

// GetJSON decodes the object stored under key into v. It returns
// ErrNotFound when there is no such object.
func (c *Client) GetJSON(ctx context.Context, key string, v any) error {
	obj, err := c.mc.GetObject(ctx, c.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return c.wrap("get", key, err)
	}
	defer obj.Close()
	// GetObject is lazy: errors such as NoSuchKey surface on first read.
	data, err := io.ReadAll(io.LimitReader(obj, maxObjectSize+1))
	if err != nil {
		return c.wrap("get", key, err)
	}
	if len(data) > maxObjectSize {
		return fmt.Errorf("get %q: object larger than %d bytes", key, maxObjectSize)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %q: %w", key, err)
	}
	return nil
}

// List returns the keys of all objects whose key starts with prefix.
func (c *Client) List(ctx context.Context, prefix string) ([]string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing goroutine if we return early
	var keys []string
	for info := range c.mc.ListObjects(ctx, c.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if info.Err != nil {
			return nil, fmt.Errorf("list %q: %w", prefix, info.Err)
		}
		keys = append(keys, info.Key)
	}
	return keys, nil
}

// Delete removes the object under key. It returns ErrNotFound when there
// is no such object (S3 itself treats deleting a missing key as success).
func (c *Client) Delete(ctx context.Context, key string) error {
	if _, err := c.mc.StatObject(ctx, c.bucket, key, minio.StatObjectOptions{}); err != nil {
		return c.wrap("stat", key, err)
	}
	if err := c.mc.RemoveObject(ctx, c.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return c.wrap("delete", key, err)
	}
	return nil
}

func (c *Client) wrap(op, key string, err error) error {
	if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
		return fmt.Errorf("%s %q: %w", op, key, ErrNotFound)
	}
	return fmt.Errorf("%s %q: %w", op, key, err)
}
