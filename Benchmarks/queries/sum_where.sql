SELECT printf('%.2f', SUM(points)) FROM Resident WHERE building = 'B17';
