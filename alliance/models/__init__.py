from alliance.models.people import Membership, Organisation, Role, User, Ward

__all__ = ["Membership", "Organisation", "Role", "User", "Ward"]
