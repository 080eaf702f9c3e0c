from django.http import HttpResponse
from django.test import RequestFactory, SimpleTestCase, override_settings

from directory.routers import PrimaryForWritersMiddleware, ReplicaRouter, use_primary
from meetings.models import Meeting

router = ReplicaRouter()


@override_settings(DATABASE_REPLICAS=["replica1", "replica2"])
class ReplicaRouterTests(SimpleTestCase):
    def test_it_reads_from_the_replicas(self):
        seen = {router.db_for_read(Meeting) for _ in range(200)}
        self.assertEqual(seen, {"replica1", "replica2"})

    def test_it_writes_to_the_primary(self):
        self.assertEqual(router.db_for_write(Meeting), "default")

    def test_it_reads_from_the_primary_inside_use_primary(self):
        with use_primary():
            self.assertEqual(router.db_for_read(Meeting), "default")
        self.assertIn(router.db_for_read(Meeting), {"replica1", "replica2"})

    def test_it_keeps_related_reads_on_the_instance_database(self):
        meeting = Meeting()
        meeting._state.db = "replica2"
        self.assertEqual(router.db_for_read(Meeting, instance=meeting), "replica2")

    def test_it_migrates_the_primary_only(self):
        self.assertTrue(router.allow_migrate("default", "meetings"))
        self.assertFalse(router.allow_migrate("replica1", "meetings"))

    def test_it_relates_objects_across_primary_and_replicas(self):
        a, b, c = Meeting(), Meeting(), Meeting()
        a._state.db, b._state.db, c._state.db = "default", "replica1", "elsewhere"
        self.assertTrue(router.allow_relation(a, b))
        self.assertFalse(router.allow_relation(a, c))


class NoReplicaTests(SimpleTestCase):
    @override_settings(DATABASE_REPLICAS=[])
    def test_it_reads_from_the_primary_without_replicas(self):
        self.assertEqual(router.db_for_read(Meeting), "default")


@override_settings(DATABASE_REPLICAS=["replica1"])
class PrimaryForWritersMiddlewareTests(SimpleTestCase):
    def read_database_during(self, request):
        seen = []

        def view(request):
            seen.append(router.db_for_read(Meeting))
            return HttpResponse()

        PrimaryForWritersMiddleware(view)(request)
        return seen[0]

    def test_it_sends_anonymous_searches_to_a_replica(self):
        self.assertEqual(self.read_database_during(RequestFactory().get("/meetings/?q=hope")), "replica1")

    def test_it_sends_form_posts_to_the_primary(self):
        self.assertEqual(self.read_database_during(RequestFactory().post("/suggest/")), "default")

    def test_it_sends_signed_in_volunteers_to_the_primary(self):
        request = RequestFactory().get("/admin/")
        request.COOKIES["sessionid"] = "abc"
        self.assertEqual(self.read_database_during(request), "default")

    def test_it_unpins_after_the_request(self):
        self.read_database_during(RequestFactory().post("/suggest/"))
        self.assertEqual(router.db_for_read(Meeting), "replica1")
