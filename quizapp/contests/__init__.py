"""Knowledge contests (知识竞赛): the ranking core shared by online and live contests."""
