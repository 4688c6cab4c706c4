SELECT id FROM Resident ORDER BY points DESC, id LIMIT 10;
