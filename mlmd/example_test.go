package mlmd_test

// The README's Go snippets, compiled and run.

import (
	"context"
	"fmt"
	"log"

	"github.com/gomlmd/gomlmd/mlmd"
	_ "github.com/gomlmd/gomlmd/mlmd/sqlitestore" // the embedded SQLite backend
)

// Example is the README's "Using the library": open a store, register a
// type, put an artifact of it.
func Example() {
	ctx := context.Background()
	store, err := mlmd.Open(ctx, "sqlite", ":memory:", nil) // or "file:mlmd.db"
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	typeID, err := store.PutArtifactType(ctx, mlmd.ArtifactType{
		Name:       "DataSet",
		Properties: map[string]mlmd.PropertyType{"day": mlmd.PropertyInt},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	ids, err := store.PutArtifacts(ctx, []mlmd.Artifact{{
		TypeID: typeID, URI: "path/to/data",
		Properties: mlmd.Properties{"day": mlmd.IntValue(1)},
	}}, nil)
	if err != nil {
		log.Fatal(err)
	}
	arts, err := store.GetArtifactsByID(ctx, ids)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(arts[0].URI, arts[0].Type, arts[0].Properties["day"])
	// Output: path/to/data DataSet int:1
}

// Example_filterQuery is the README's filter query: a listing that keeps
// the artifacts that match, and the error of a query with a mistake.
func Example_filterQuery() {
	ctx := context.Background()
	store, err := mlmd.Open(ctx, "sqlite", ":memory:", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	typeID, err := store.PutArtifactType(ctx, mlmd.ArtifactType{
		Name:       "DataSet",
		Properties: map[string]mlmd.PropertyType{"day": mlmd.PropertyInt},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	var days []mlmd.Artifact
	for day := int64(1); day <= 6; day++ {
		days = append(days, mlmd.Artifact{TypeID: typeID, Name: fmt.Sprintf("day%d", day),
			Properties: mlmd.Properties{"day": mlmd.IntValue(day)}})
	}
	if _, err := store.PutArtifacts(ctx, days, nil); err != nil {
		log.Fatal(err)
	}
	arts, next, err := store.GetArtifacts(ctx, &mlmd.ListOptions{
		FilterQuery:   "type = 'DataSet' AND properties.day.int_value > 3",
		MaxResultSize: 2,
		OrderBy:       mlmd.OrderByCreateTime,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range arts {
		fmt.Println(a.Name)
	}
	fmt.Println("more:", next != "")

	_, _, err = store.GetArtifacts(ctx, &mlmd.ListOptions{FilterQuery: "nmae = 'day1'"})
	fmt.Println(mlmd.CodeOf(err) == mlmd.InvalidArgument, err)
	// Output:
	// day4
	// day5
	// more: true
	// true mlmd: GetArtifacts: invalid filter query: 1:1: unknown attribute "nmae" for artifacts (expected one of id, type_id, type, uri, state, name, external_id, create_time_since_epoch, last_update_time_since_epoch)
}
