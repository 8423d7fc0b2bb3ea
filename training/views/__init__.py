"""Training pages: public application (``public``), trainers (``trainer``), the expert's own
training (``expert``) and coordinators (``coordinator``)."""
