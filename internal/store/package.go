package store

import (
	"context"
	"fmt"

	"github.com/uapid/uapid/internal/hosting"
)

// CreatePackage inserts p, setting p.CreatedAt when it is zero. Returns
// ECONFLICT if the name is taken.
func (db *DB) CreatePackage(ctx context.Context, p *hosting.Package) error {
	return db.write(ctx, func(tx *tx) error {
		features, err := joinList("feature", p.Features)
		if err != nil {
			return err
		}
		created := orNow(p.CreatedAt)
		_, err = tx.exec(ctx, `INSERT INTO packages (name, quota_mb, features, created_at) VALUES (?, ?, ?, ?)`,
			p.Name, p.QuotaMB, features, created.Unix())
		if err != nil {
			return convert(err, fmt.Sprintf("create package %q", p.Name),
				on{Conflict: fmt.Sprintf("A package named “%s” already exists.", p.Name)})
		}
		p.CreatedAt = created
		return nil
	})
}

// FindPackage returns ENOTFOUND if no package has that name.
func (db *DB) FindPackage(ctx context.Context, name string) (*hosting.Package, error) {
	return read(ctx, db, func(tx *tx) (*hosting.Package, error) {
		ps, err := findPackages(ctx, tx, &name)
		if err != nil {
			return nil, err
		} else if len(ps) == 0 {
			return nil, notFound(fmt.Sprintf("The package “%s” does not exist.", name))
		}
		return ps[0], nil
	})
}

// ListPackages returns every package ordered by name.
func (db *DB) ListPackages(ctx context.Context) ([]*hosting.Package, error) {
	return read(ctx, db, func(tx *tx) ([]*hosting.Package, error) { return findPackages(ctx, tx, nil) })
}

// DeletePackage removes a package. Returns ENOTFOUND.
func (db *DB) DeletePackage(ctx context.Context, name string) error {
	return db.write(ctx, func(tx *tx) error {
		n, err := tx.exec(ctx, `DELETE FROM packages WHERE name = ?`, name)
		if err != nil {
			return convert(err, fmt.Sprintf("delete package %q", name), on{})
		} else if n == 0 {
			return notFound(fmt.Sprintf("The package “%s” does not exist.", name))
		}
		return nil
	})
}

func findPackages(ctx context.Context, tx *tx, name *string) ([]*hosting.Package, error) {
	query, args := `SELECT name, quota_mb, features, created_at FROM packages`, []any{}
	if name != nil {
		query, args = query+` WHERE name = ?`, append(args, *name)
	}
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, convert(err, "find packages", on{})
	}
	defer rows.Close()
	ps := []*hosting.Package{}
	for rows.Next() {
		var p hosting.Package
		var features string
		var created int64
		if err := rows.Scan(&p.Name, &p.QuotaMB, &features, &created); err != nil {
			return nil, convert(err, "scan package", on{})
		}
		p.Features, p.CreatedAt = splitList(features), unixTime(created)
		ps = append(ps, &p)
	}
	if err := rows.Err(); err != nil {
		return nil, convert(err, "find packages", on{})
	}
	sortByKey(ps, func(p *hosting.Package) string { return p.Name })
	return ps, nil
}

// Interface guard.
var _ hosting.PackageStore = (*DB)(nil)
