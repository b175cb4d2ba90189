"""Seed §3: the VPC, its four subnets in two London AZs, one NAT gateway, the routes."""


def test_vpc_is_10_0_0_0_16(aws):
    assert aws.resolve(aws.resource("aws_vpc", "main")["cidr_block"]) == "10.0.0.0/16"


def test_public_and_private_subnets_have_the_seeds_ranges(aws):
    assert aws.default("public_subnet_cidrs") == ["10.0.1.0/24", "10.0.2.0/24"]
    assert aws.default("private_subnet_cidrs") == ["10.0.3.0/24", "10.0.4.0/24"]
    for tier in ("public", "private"):
        subnet = aws.resource("aws_subnet", tier)
        assert subnet["count"] == 2
        assert subnet["cidr_block"] == f"${{var.{tier}_subnet_cidrs[count.index]}}"
        assert subnet["availability_zone"] == "${var.availability_zones[count.index]}"


def test_two_availability_zones_in_london_given_as_variables(aws):
    zones = aws.default("availability_zones")
    assert len(zones) == 2 and len(set(zones)) == 2
    assert all(zone.startswith("eu-west-2") for zone in zones)
    assert aws.default("region") == "eu-west-2"
    # No data source may call AWS: only local policy documents are data sources.
    assert {kind for kind, _ in aws.data} == {"aws_iam_policy_document"}


def test_one_nat_gateway_in_a_public_subnet_routes_the_private_subnets(aws):
    nat = aws.of_kind("aws_nat_gateway")
    assert list(nat) == ["main"] and "count" not in nat["main"]
    assert nat["main"]["subnet_id"] == "${aws_subnet.public[0].id}"
    private = aws.resource("aws_route_table", "private")["route"]
    assert private == [{"cidr_block": "0.0.0.0/0", "nat_gateway_id": "${aws_nat_gateway.main.id}"}]
    public = aws.resource("aws_route_table", "public")["route"]
    assert public == [{"cidr_block": "0.0.0.0/0", "gateway_id": "${aws_internet_gateway.main.id}"}]
    assert aws.resource("aws_internet_gateway", "main")["vpc_id"] == "${aws_vpc.main.id}"
    for tier in ("public", "private"):
        association = aws.resource("aws_route_table_association", tier)
        assert association["route_table_id"] == f"${{aws_route_table.{tier}.id}}"


def test_public_subnets_do_not_hand_out_public_addresses(aws):
    assert aws.resource("aws_subnet", "public")["map_public_ip_on_launch"] is False
