-- Save one mark cell of the grid, over and over: each thread (= one connection) owns one cell and
-- alternates its mark between 5 and 4, so every request writes. The cell's token («expected») starts
-- from the value bench.run read in the database and then follows each response's "k"; a refused save
-- (409, stale) carries the current token too, and counts as a bad response.
--   wrk -t N -c N … -s cell.lua URL -- "<Cookie>" <csrftoken> <referer> <path> "lesson|student|token" …
dofile((os.getenv("BENCH_LUA") or "bench/lua/") .. "common.lua")

function init(args)
   bad = 0
   local cell = args[4 + id]
   lesson, student, token = string.match(cell, "^([^|]*)|([^|]*)|(.*)$")
   path = args[4]
   value = 4
   headers = {
      ["Cookie"] = args[1],
      ["X-CSRFToken"] = args[2],
      ["Referer"] = args[3],
      ["X-Requested-With"] = "fetch",
      ["Content-Type"] = "application/x-www-form-urlencoded",
   }
end

function request()
   value = 9 - value
   local body = "lesson=" .. lesson .. "&student=" .. student .. "&text=" .. value .. "&expected=" .. urlencode(token)
   return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
   local k = string.match(body, '"k": "([^"]*)"')
   if k then
      token = k
   end
   if status ~= 200 then
      bad = bad + 1
   end
end
