# The files DBAs and PGXN read agree with each other: META.json is valid
# PGXN meta-spec 1.0.0 and names the version the control file installs.
# Released install and upgrade scripts are as they were released.
use strict;
use warnings;
use Digest::SHA qw(sha256_hex);
use JSON::PP;
use Test::More;

sub slurp
{
	my ($path) = @_;
	open my $fh, '<', $path or die "cannot read $path: $!";
	local $/;
	return <$fh>;
}

my $meta = eval { decode_json(slurp('META.json')) };
ok($meta, 'META.json is valid JSON') or diag($@);

for my $key (qw(name abstract version maintainer license provides meta-spec prereqs resources tags))
{
	ok(exists $meta->{$key}, "META.json has $key");
}
is($meta->{'meta-spec'}{version}, '1.0.0', 'META.json follows meta-spec 1.0.0');
like($meta->{version}, qr/^\d+\.\d+\.\d+$/, 'distribution version is semantic');

my $control = slurp('kpi_ext.control');
my ($default_version) = $control =~ /^default_version\s*=\s*'([^']+)'/m;
like($control, qr/^trusted\s*=\s*true/m, 'the extension is trusted');

my ($make_version) = slurp('Makefile') =~ /^EXTVERSION\s*=\s*(\S+)/m;
is($make_version, $default_version, 'Makefile EXTVERSION matches the control file');

my $provided = $meta->{provides}{kpi_ext};
ok($provided, 'META.json provides kpi_ext');
is($provided->{version}, "$default_version.0", 'META.json provides the version the control file installs');
is($provided->{file}, "kpi_ext--$default_version.sql", 'META.json points at the install script');
ok(-f $provided->{file}, 'that install script exists');
ok(-f $provided->{docfile}, 'its documentation file exists');
is($meta->{version}, $provided->{version}, 'distribution and extension versions agree');

# the Debian package carries the same version, and its control template
# builds one package per PostgreSQL major
my ($deb_version) = slurp('debian/changelog') =~ /^kpi-ext \(([^)-]+)(?:-[^)]*)?\)/;
is($deb_version, $meta->{version}, 'debian/changelog names the distribution version');
like(slurp('debian/control.in'), qr/^Package: postgresql-PGVERSION-kpi-ext$/m,
	'debian/control.in builds postgresql-NN-kpi-ext');
my ($oldest_major) = slurp('debian/pgversions') =~ /^(\d+)\+$/m;
ok($oldest_major, 'debian/pgversions names the oldest supported major, and every one after it');
is($meta->{prereqs}{runtime}{requires}{PostgreSQL}, "$oldest_major.0.0",
	'PGXN and Debian name the same oldest PostgreSQL');
(my $unstable_control = slurp('debian/control.in')) =~ s/PGVERSION/18/g;
is(slurp('debian/control'), $unstable_control,
	'debian/control is control.in for Debian unstable (pg_buildext updatecontrol there)');

# A server that has a release installed runs its script's objects; changing
# the script would make fresh installs differ from existing ones.  New
# objects go into src/*.sql as "--@ since" paragraphs (doc/development.md).
my %released = (
	'kpi_ext--1.0.sql' => '3934c9c9f067d810b6d2896ab773046396f86c2fc6a363e77e3c788e57cbfc5a',);
for my $script (sort keys %released)
{
	is(sha256_hex(slurp($script)), $released{$script}, "$script is byte for byte as released");
}

done_testing();
