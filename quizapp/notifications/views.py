"""The inbox page."""
from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..extensions import db
from . import services
from .models import Notification

bp = Blueprint("notifications", __name__, url_prefix="/inbox")


@bp.route("/")
@login_required
def inbox():
    """The officer's notifications."""
    return render_template("notifications/inbox.html", items=services.inbox(current_user.id),
                           kinds=services.KIND_LABELS)


@bp.route("/<int:notification_id>/open", methods=["POST"])
@login_required
def open_notification(notification_id: int):
    """Mark a notification read and follow its link."""
    item = db.session.get(Notification, notification_id)
    if item is None or item.officer_id != current_user.id:
        abort(404)
    services.mark_read(current_user.id, notification_id)
    target = item.link if item.link and item.link.startswith("/") and not item.link.startswith("//") else None
    return redirect(target or url_for("notifications.inbox"))


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all():
    """Mark every notification read."""
    services.mark_read(current_user.id)
    return redirect(url_for("notifications.inbox"))
